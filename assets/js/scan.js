/* scan.js: progressive enhancement only. Every page works without it.
 *
 * - Filter forms marked data-autosubmit (the directory) submit when a
 *   select changes, and leave out empty fields so the URL stays short
 *   (the server would otherwise redirect to the same short URL). Panels
 *   marked data-fold-narrow start closed on narrow screens.
 * - Search inputs marked data-suggest get a typeahead: after 150 ms
 *   without typing they ask /search/suggest and show up to eight entries
 *   in a listbox under the input (ARIA combobox pattern: arrow keys move,
 *   Enter opens the highlighted entry, Escape closes; without a
 *   highlighted entry Enter submits the search form as usual). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* --- directory filters ------------------------------------------------ */
  function dropEmpty(form) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !el.disabled && (el.tagName === "SELECT" || el.tagName === "INPUT") &&
          el.type !== "checkbox" && el.type !== "radio" && el.value === "") {
        el.disabled = true;
        /* re-enable after the navigation started, for the back button */
        setTimeout(function () { el.disabled = false; }, 0);
      }
    });
  }

  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("submit", function () { dropEmpty(form); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.tagName !== "SELECT") return;
      el.addEventListener("change", function () {
        dropEmpty(form);
        form.submit();
      });
    });
  });

  /* On narrow screens the filter panel starts folded: the chips above the
   * results already say which filters are on. */
  if (window.matchMedia && window.matchMedia("(max-width: 60rem)").matches) {
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (d) { d.open = false; });
  }

  /* --- typeahead -------------------------------------------------------- */
  var uid = 0;

  function setup(input) {
    var form = input.form;
    var id = "suggest-" + (++uid);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "Search");
    list.hidden = true;
    input.parentNode.appendChild(list);
    if (input.parentNode.classList) input.parentNode.classList.add("typeahead-anchor");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    var items = [];
    var active = -1;
    var timer = 0;
    var seq = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(i) {
      var opts = list.querySelectorAll("[role=option]");
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && opts[i]) {
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    /* data-suggest="fill" (a form field naming an entry): the choice fills
     * the field with the name and a hidden <name>_pick with the address;
     * typing again forgets the choice. Otherwise the choice opens the entry. */
    var fill = input.getAttribute("data-suggest") === "fill";
    var pick = null;
    if (fill && form) {
      pick = document.createElement("input");
      pick.type = "hidden";
      pick.name = input.name + "_pick";
      form.appendChild(pick);
      input.addEventListener("input", function () { pick.value = ""; });
    }

    function go(i) {
      if (!items[i]) return;
      if (fill && pick) {
        input.value = items[i].name || items[i].slug;
        pick.value = items[i].slug;
        close();
        return;
      }
      window.location.href = "/orgs/" + encodeURIComponent(items[i].slug);
    }

    function render(data) {
      items = Array.isArray(data) ? data : [];
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!items.length) { close(); return; }
      items.forEach(function (it, k) {
        var li = document.createElement("li");
        li.id = id + "-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "suggest-name";
        name.textContent = it.name || it.slug;
        li.appendChild(name);
        if (it.kind_label) {
          var kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = it.kind_label;
          li.appendChild(kind);
        }
        /* mousedown, not click: it comes before the input's blur */
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); go(k); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var mine = ++seq;
      fetch("/search/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (res) { return res.ok ? res.json() : []; })
        .then(function (data) { if (mine === seq) render(data); })
        .catch(function () { if (mine === seq) close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (ev) {
      var open = !list.hidden && items.length > 0;
      if (ev.key === "ArrowDown") {
        if (!open) { ask(); return; }
        ev.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (ev.key === "ArrowUp") {
        if (!open) return;
        ev.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (ev.key === "Enter") {
        if (open && active >= 0) { ev.preventDefault(); go(active); }
      } else if (ev.key === "Escape") {
        if (open) { ev.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    if (form) form.addEventListener("submit", close);
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
