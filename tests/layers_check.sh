#!/usr/bin/env bash
# layers_check.sh: proves the layer table of docs/ARCHITECTURE.md, by
# reading every #include "..." in src/. Each layer (a folder of src/) may
# include the folders listed for it below and nothing else; a lower layer
# that includes a higher one (the model naming http/, html/ naming a model
# header, http/ writing HTML) fails the unit level. Generated headers
# (embedded.h, scan_config.h) and system headers (<...>) are free. Run by
# tests/run.sh in the unit level; run it alone from the repository root.
#
# Exit 0 and one line "layers_check: ..." when every include is allowed;
# 1 and one line per offending include otherwise.
set -u
cd "$(dirname "$0")/.." || exit 2

# layer -> the layers it may include (itself is always allowed)
declare -A allow=(
    [core]=""
    [i18n]="core"
    [json]="core"
    [ical]="core"
    [valid]="core i18n"
    [db]="core"
    [model]="core i18n json valid db html ical"
    [http]="core i18n valid db"
    [html]="core i18n http"
    [web]="core i18n json valid db model http html ical"
    [api]="core i18n json valid db model http html web ical"
    [cli]="core i18n json valid db model http"
)

bad=0
files=0
for f in $(find src -name '*.[ch]' | sort); do
    rel=${f#src/}
    case "$rel" in
    */*) layer=${rel%%/*} ;;
    *) continue ;; # src/main.c wires every layer together
    esac
    if [[ -z ${allow[$layer]+x} ]]; then
        echo "layers_check: $f: folder src/$layer/ is not in the layer table (add it here and to docs/ARCHITECTURE.md)"
        bad=1
        continue
    fi
    files=$((files + 1))
    while IFS=: read -r line inc; do
        target=${inc#*\"}
        target=${target%%\"*}
        case "$target" in
        */*) to=${target%%/*} ;;
        *) continue ;; # embedded.h, scan_config.h
        esac
        [[ $to == "$layer" ]] && continue
        ok=0
        for a in ${allow[$layer]}; do
            [[ $a == "$to" ]] && ok=1
        done
        if ((!ok)); then
            echo "layers_check: $f:$line includes \"$target\": $layer/ may include only: ${allow[$layer]:-nothing}"
            bad=1
        fi
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | sed 's/:/:/')
done

if ((bad)); then
    exit 1
fi
echo "layers_check: $files files, every include goes down the layer table"
