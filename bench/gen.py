#!/usr/bin/env python3
"""bench/gen.py: synthetic but realistic data for SCAN's benchmarks.

One generator shared by every benchmark, one subcommand per kind of data:

    bench/gen.py orgs --count 100000 --format csv > orgs.csv

`orgs` writes directory entries in the format `scan org import` reads
(CSV with a header row of the org field names and lists joined with ';',
or a JSON array of objects with the same keys). Names are Serbian, in
Cyrillic or Latin (about half each), shaped like real ones ("Техномеханика
д.о.о.", "Agro Sistem Čačak", "Институт за ...", "Klaster ..."); seats
are real municipalities with their district and region codes from
migration 0004; kinds lean towards companies; NACE and FOS codes are valid;
half the entries carry a PIB and a matični broj with correct check digits
(DOMAIN.md section 3), unique across the file; web sites and e-mail
addresses use the reserved .example top-level domain so none is real.

Output depends only on --seed and the other options (Python's
random.Random is stable across versions for the calls used here), so two
runs with the same arguments give identical files.

`clusters`, `members` and `figures` make the data of one benchmark database
for the clusters and figures pages (bench/figures.sh):

    bench/gen.py clusters --count 1000 > clusters.csv        # scan org import
    bench/gen.py members > members.sql                       # sqlite3 DB < members.sql
    bench/gen.py figures --part rest --format sql > fig.sql  # sqlite3 DB < fig.sql
    bench/gen.py figures --part national --format csv > national.csv

`clusters` writes cluster entries (kind cluster, "Klaster ..." /
"Кластер ..." names, seats, themes) in the `orgs` CSV/JSON format, with
slugs, PIBs and matični brojevi that none of the `orgs` entries of the
same seed and --orgs count uses, so importing both files never turns an
entry into another. `members` writes SQL for what has no import command:
cluster memberships (cluster_member; every entry of `orgs` is a member,
some of two clusters, cluster sizes skewed; the first cluster is a
national one with --national current members, all also members of a
regular cluster), SCAN membership histories (scan_membership), stages,
labels and profiles of the clusters. `figures` writes one row per
organisation and year of --years (employees lognormal by kind, revenue
per employee by sector, exports never above revenue, R&D for some, euro
cents; some rows entered in RSD at the yearly rates of migration 0005),
as SQL for org_figure or as the CSV `figures_import` reads (columns slug,
year, employees, revenue, exports, rnd, currency, source; amounts in the
row's currency with two decimals). --part national keeps the national
cluster's members only, --part rest everything else, --part all both:
rest by SQL plus national by the import gives the figures of all (the
imported rows unverified, entered now).

The SQL files start with `.bail on` and run in one transaction; every
organisation is found by its slug (a subselect), so a slug that is not in
the database breaks a NOT NULL constraint and nothing is loaded. They bump
figures_version (and directory_version) as the model's writes do. The
subcommands after `orgs` regenerate the entries of `orgs` (same --seed and
--orgs) to know their slugs, which takes a few seconds per 100,000; each
draws from its own random stream, so `orgs` output is what it always was.

Standard library only.
"""

import argparse
import base64
import bisect
import csv
import datetime
import hashlib
import io
import json
import math
import random
import sys
import unicodedata

# --- reference data (codes as in src/db/migrations/0004_reference_data.sql) ---

REGION_OF = {
    "BEOGRAD": "BG",
    "SEVERNOBACKI": "VO", "SREDNJEBANATSKI": "VO", "SEVERNOBANATSKI": "VO",
    "JUZNOBANATSKI": "VO", "ZAPADNOBACKI": "VO", "JUZNOBACKI": "VO", "SREMSKI": "VO",
    "MACVANSKI": "SZ", "KOLUBARSKI": "SZ", "SUMADIJSKI": "SZ", "POMORAVSKI": "SZ",
    "ZLATIBORSKI": "SZ", "MORAVICKI": "SZ", "RASKI": "SZ", "RASINSKI": "SZ",
    "PODUNAVSKI": "JI", "BRANICEVSKI": "JI", "BORSKI": "JI", "ZAJECARSKI": "JI",
    "NISAVSKI": "JI", "TOPLICKI": "JI", "PIROTSKI": "JI", "JABLANICKI": "JI", "PCINJSKI": "JI",
}

REGION_LABEL = {
    "BG": ("Belgrade", "Београд"),
    "VO": ("Vojvodina", "Војводина"),
    "SZ": ("Šumadija and Western Serbia", "Шумадија и Западна Србија"),
    "JI": ("Southern and Eastern Serbia", "Јужна и Источна Србија"),
}

# Real municipalities (and cities) of each district, in Latin; the first is
# the district seat. Weights favour the seats and Belgrade, as real
# registers do.
MUNICIPALITIES = {
    "BEOGRAD": ["Novi Beograd", "Zvezdara", "Voždovac", "Čukarica", "Stari Grad", "Vračar",
                "Savski Venac", "Zemun", "Palilula", "Rakovica", "Grocka", "Obrenovac",
                "Mladenovac", "Lazarevac", "Surčin", "Barajevo", "Sopot"],
    "SEVERNOBACKI": ["Subotica", "Bačka Topola", "Mali Iđoš"],
    "SREDNJEBANATSKI": ["Zrenjanin", "Novi Bečej", "Nova Crnja", "Žitište", "Sečanj"],
    "SEVERNOBANATSKI": ["Kikinda", "Senta", "Ada", "Kanjiža", "Novi Kneževac", "Čoka"],
    "JUZNOBANATSKI": ["Pančevo", "Vršac", "Bela Crkva", "Kovin", "Alibunar", "Plandište",
                      "Opovo", "Kovačica"],
    "ZAPADNOBACKI": ["Sombor", "Apatin", "Kula", "Odžaci"],
    "JUZNOBACKI": ["Novi Sad", "Bačka Palanka", "Bečej", "Vrbas", "Temerin", "Žabalj", "Titel",
                   "Srbobran", "Bač", "Bački Petrovac", "Beočin", "Sremski Karlovci"],
    "SREMSKI": ["Sremska Mitrovica", "Ruma", "Inđija", "Stara Pazova", "Šid", "Pećinci", "Irig"],
    "MACVANSKI": ["Šabac", "Loznica", "Bogatić", "Vladimirci", "Koceljeva", "Mali Zvornik",
                  "Krupanj", "Ljubovija"],
    "KOLUBARSKI": ["Valjevo", "Ub", "Lajkovac", "Mionica", "Osečina", "Ljig"],
    "PODUNAVSKI": ["Smederevo", "Smederevska Palanka", "Velika Plana"],
    "BRANICEVSKI": ["Požarevac", "Veliko Gradište", "Golubac", "Kučevo", "Žagubica",
                    "Petrovac na Mlavi", "Malo Crniće", "Žabari"],
    "SUMADIJSKI": ["Kragujevac", "Aranđelovac", "Topola", "Rača", "Batočina", "Knić", "Lapovo"],
    "POMORAVSKI": ["Jagodina", "Ćuprija", "Paraćin", "Svilajnac", "Despotovac", "Rekovac"],
    "BORSKI": ["Bor", "Kladovo", "Majdanpek", "Negotin"],
    "ZAJECARSKI": ["Zaječar", "Knjaževac", "Boljevac", "Sokobanja"],
    "ZLATIBORSKI": ["Užice", "Čajetina", "Prijepolje", "Priboj", "Nova Varoš", "Sjenica",
                    "Požega", "Kosjerić", "Arilje", "Bajina Bašta"],
    "MORAVICKI": ["Čačak", "Gornji Milanovac", "Ivanjica", "Lučani"],
    "RASKI": ["Kraljevo", "Novi Pazar", "Vrnjačka Banja", "Raška", "Tutin"],
    "RASINSKI": ["Kruševac", "Trstenik", "Aleksandrovac", "Brus", "Varvarin", "Ćićevac"],
    "NISAVSKI": ["Niš", "Aleksinac", "Svrljig", "Merošina", "Ražanj", "Doljevac", "Gadžin Han"],
    "TOPLICKI": ["Prokuplje", "Kuršumlija", "Blace", "Žitorađa"],
    "PIROTSKI": ["Pirot", "Dimitrovgrad", "Babušnica", "Bela Palanka"],
    "JABLANICKI": ["Leskovac", "Lebane", "Bojnik", "Medveđa", "Vlasotince", "Crna Trava"],
    "PCINJSKI": ["Vranje", "Vladičin Han", "Surdulica", "Bujanovac", "Preševo", "Bosilegrad",
                 "Trgovište"],
}

# How many entries each district gets, roughly as in the business register.
DISTRICT_WEIGHT = {
    "BEOGRAD": 30, "JUZNOBACKI": 10, "NISAVSKI": 5, "SUMADIJSKI": 4, "SEVERNOBACKI": 3,
    "JUZNOBANATSKI": 3, "SREMSKI": 3, "MORAVICKI": 3, "RASKI": 3, "MACVANSKI": 3,
    "ZLATIBORSKI": 3, "SREDNJEBANATSKI": 2, "RASINSKI": 2, "KOLUBARSKI": 2, "PODUNAVSKI": 2,
    "POMORAVSKI": 2, "JABLANICKI": 2, "BRANICEVSKI": 2, "ZAPADNOBACKI": 2, "PCINJSKI": 2,
    "SEVERNOBANATSKI": 1, "ZAJECARSKI": 1, "BORSKI": 1, "TOPLICKI": 1, "PIROTSKI": 1,
}

# NACE divisions used here: code -> (section, English, Serbian), as in 0004.
NACE = {
    "01": ("A", "crop and animal production", "пољопривредна производња"),
    "10": ("C", "manufacture of food products", "производња прехрамбених производа"),
    "11": ("C", "manufacture of beverages", "производња пића"),
    "13": ("C", "manufacture of textiles", "производња текстила"),
    "14": ("C", "manufacture of wearing apparel", "производња одевних предмета"),
    "16": ("C", "wood processing", "прерада дрвета"),
    "20": ("C", "manufacture of chemicals", "производња хемикалија"),
    "22": ("C", "manufacture of rubber and plastic products", "производња производа од гуме и пластике"),
    "25": ("C", "manufacture of fabricated metal products", "производња металних производа"),
    "26": ("C", "manufacture of computer, electronic and optical products",
           "производња рачунара, електронских и оптичких производа"),
    "27": ("C", "manufacture of electrical equipment", "производња електричне опреме"),
    "28": ("C", "manufacture of machinery and equipment", "производња машина и опреме"),
    "29": ("C", "manufacture of motor vehicles and parts", "производња моторних возила и делова"),
    "31": ("C", "manufacture of furniture", "производња намештаја"),
    "33": ("C", "repair and installation of machinery", "поправка и монтажа машина"),
    "35": ("D", "electricity and gas supply", "снабдевање електричном енергијом и гасом"),
    "38": ("E", "waste collection and recycling", "сакупљање и рециклажа отпада"),
    "41": ("F", "construction of buildings", "изградња зграда"),
    "43": ("F", "specialised construction", "специјализовани грађевински радови"),
    "46": ("G", "wholesale trade", "трговина на велико"),
    "47": ("G", "retail trade", "трговина на мало"),
    "49": ("H", "land transport", "копнени саобраћај"),
    "52": ("H", "warehousing and logistics", "складиштење и логистика"),
    "55": ("I", "accommodation", "смештај"),
    "56": ("I", "food and beverage service", "припремање и послуживање хране и пића"),
    "58": ("J", "publishing", "издавачка делатност"),
    "62": ("J", "computer programming and consultancy", "рачунарско програмирање и консалтинг"),
    "63": ("J", "information services", "информационе услуге"),
    "69": ("M", "legal and accounting services", "правни и рачуноводствени послови"),
    "70": ("M", "management consultancy", "саветовање у вези са управљањем"),
    "71": ("M", "engineering and technical testing", "инжењерске делатности и техничко испитивање"),
    "72": ("M", "research and development", "научно истраживање и развој"),
    "73": ("M", "advertising and market research", "рекламирање и истраживање тржишта"),
    "82": ("N", "business support services", "помоћне пословне делатности"),
    "84": ("O", "public administration", "државна управа"),
    "85": ("P", "education", "образовање"),
    "86": ("Q", "human health activities", "здравствене делатности"),
    "94": ("S", "activities of membership organisations", "делатности удружења"),
}

# How often companies work in each division.
COMPANY_NACE_WEIGHT = {
    "46": 14, "47": 12, "62": 9, "25": 6, "43": 6, "41": 5, "49": 5, "56": 4, "10": 4,
    "69": 4, "70": 4, "71": 4, "01": 3, "28": 3, "22": 3, "16": 3, "31": 2, "14": 2, "13": 1,
    "26": 2, "27": 2, "29": 2, "33": 2, "73": 2, "63": 2, "52": 2, "55": 2, "20": 1, "11": 1,
    "35": 1, "38": 1, "58": 1, "72": 1, "82": 2, "86": 1,
}

# OECD FOS subfields that fit a division, for the entries that state one.
FOS_FOR_NACE = {
    "01": ["4.1"], "10": ["4.1", "2.9"], "11": ["2.9"], "13": ["2.5"], "14": ["2.5"],
    "16": ["4.1", "2.5"], "20": ["1.4", "2.4"], "22": ["2.5"], "25": ["2.3", "2.5"],
    "26": ["2.2"], "27": ["2.2"], "28": ["2.3"], "29": ["2.3"], "33": ["2.3"],
    "35": ["2.2", "2.7"], "38": ["2.7"], "41": ["2.1"], "43": ["2.1"], "62": ["1.2", "2.2"],
    "63": ["1.2"], "71": ["2.1", "2.3", "2.11"], "72": ["1.3", "1.6", "2.10", "3.4"],
    "86": ["3.2"], "85": ["5.3"], "70": ["5.2"], "73": ["5.2", "5.8"], "58": ["5.8", "6.2"],
}

# kind -> weight, and the divisions such an organisation usually has.
KINDS = [
    ("company", 860, None),
    ("ngo", 30, ["94"]),
    ("cluster", 12, None),
    ("cluster_initiative", 6, None),
    ("public_authority", 20, ["84"]),
    ("chamber", 6, ["94"]),
    ("university", 14, ["85"]),
    ("research_institute", 12, ["72"]),
    ("incubator", 6, ["82", "70"]),
    ("startup_centre", 4, ["82", "70"]),
    ("tech_centre", 5, ["72", "71"]),
    ("science_park", 2, ["72"]),
    ("donor", 2, ["84"]),
]

FIRST_NAMES = ["Milan", "Marko", "Nikola", "Stefan", "Jovan", "Dragan", "Zoran", "Miloš",
               "Nenad", "Dejan", "Ivana", "Jelena", "Marija", "Milica", "Ana", "Snežana",
               "Vesna", "Dušan", "Aleksandar", "Vladimir", "Đorđe", "Branislav", "Ljiljana",
               "Nataša", "Goran", "Slobodan", "Radovan", "Tijana", "Katarina", "Bojan"]
SURNAMES = ["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović",
            "Ilić", "Stanković", "Pavlović", "Milošević", "Popović", "Kostić", "Tomić",
            "Živković", "Mitić", "Radovanović", "Lazić", "Đukić", "Kovačević", "Savić",
            "Janković", "Vasić", "Obradović", "Ristić", "Lukić", "Pešić", "Todorović",
            "Nedeljković", "Simić", "Marinković"]

PREFIXES = ["Tehno", "Metalo", "Agro", "Elektro", "Info", "Eko", "Bio", "Auto", "Termo",
            "Hidro", "Graditelj", "Drvo", "Tekstil", "Mega", "Inter", "Evro", "Balkan",
            "Morava", "Dunav", "Sava", "Tisa", "Ibar", "Drina", "Sloga", "Napredak",
            "Univerzal", "Prima", "Alfa", "Omega", "Centro", "Geo", "Farm", "Medi", "Pro"]
STEMS = ["mehanika", "promet", "sistem", "mont", "plast", "kom", "soft", "gradnja", "pak",
         "servis", "oprema", "trade", "net", "lab", "logistika", "dizajn", "produkt",
         "invest", "energija", "tehnika", "kabl", "alat", "mlin", "prom", "inženjering"]
WORDS = ["Sistem", "Inženjering", "Mont", "Promet", "Tehnika", "Solutions", "Group", "Soft",
         "Trade", "Servis", "Proizvodnja", "Logistika", "Consulting", "Dizajn", "Energija",
         "Plast", "Metal", "Grafika", "Elektronika", "Komerc"]
LEGAL = ["d.o.o.", "d.o.o.", "d.o.o.", "doo", "a.d.", "d.o.o. Beograd"]
# Trades of sole proprietors (preduzetnik, "PR") and their division.
TRADES = [("Stolarija", "31"), ("Bravarija", "25"), ("Autoservis", "33"), ("Pekara", "10"),
          ("Računovodstvena agencija", "69"), ("Knjigovodstvena agencija", "69"),
          ("Krojačka radnja", "14"), ("Elektroinstalacije", "43"), ("Limarija", "43"),
          ("Programiranje", "62"), ("Prodavnica", "47"), ("Prevoz robe", "49"),
          ("Ugostiteljska radnja", "56")]
THEMES = [("informacionih tehnologija", "ICT", "62"), ("metalske industrije", "metal", "25"),
          ("prehrambene industrije", "food", "10"), ("drvne industrije", "wood", "16"),
          ("turizma", "tourism", "55"), ("građevinarstva", "construction", "41"),
          ("obnovljivih izvora energije", "renewable energy", "35"),
          ("organske proizvodnje", "organic farming", "01"),
          ("automobilske industrije", "automotive", "29"), ("kreativnih industrija", "creative", "73"),
          ("plastike i gume", "plastics", "22"), ("elektronike", "electronics", "26"),
          ("nameštaja", "furniture", "31"), ("tekstila i mode", "textile and fashion", "14"),
          ("logistike", "logistics", "52"), ("zdravstvenog turizma", "health tourism", "86")]
SCIENCES = [("tehničkih nauka", "technical sciences", "2.11"),
            ("elektronike", "electronics", "2.2"), ("mašinstva", "mechanical engineering", "2.3"),
            ("građevinarstva", "civil engineering", "2.1"),
            ("poljoprivrede", "agriculture", "4.1"), ("ekonomije", "economics", "5.2"),
            ("hemije i tehnologije", "chemistry and technology", "2.4"),
            ("prirodnih nauka i matematike", "natural sciences and mathematics", "1.1"),
            ("medicine", "medicine", "3.2"), ("informatike", "informatics", "1.2")]
INSTITUTES = [("Institut za ratarstvo i povrtarstvo", "crops and vegetables", "4.1"),
              ("Institut za zaštitu bilja i životnu sredinu", "plant protection and environment", "4.5"),
              ("Institut za nuklearne nauke", "nuclear sciences", "1.3"),
              ("Institut za primenjenu fiziku", "applied physics", "1.3"),
              ("Institut za materijale", "materials", "2.5"),
              ("Institut za veštačku inteligenciju", "artificial intelligence", "1.2"),
              ("Institut za prehrambene tehnologije", "food technology", "2.9"),
              ("Institut za ekonomska istraživanja", "economic research", "5.2"),
              ("Institut za biološka istraživanja", "biological research", "1.6"),
              ("Institut za mikroelektroniku", "microelectronics", "2.2")]
STREETS = ["Bulevar oslobođenja", "Kneza Miloša", "Nemanjina", "Karađorđeva", "Vuka Karadžića",
           "Nikole Tesle", "Cara Dušana", "Vojvode Putnika", "Svetog Save", "Kralja Petra Prvog",
           "Njegoševa", "Vojvode Mišića", "Industrijska", "Jug Bogdanova", "Železnička"]

# --- Serbian scripts and identifiers (DOMAIN.md sections 3 and 4) -------------

_LAT2CYR_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "Nj": "Њ", "Dž": "Џ",
                     "LJ": "Љ", "NJ": "Њ", "DŽ": "Џ"}
_LAT2CYR = dict(zip("abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
                    "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ"))


def to_cyrillic(s):
    """Serbian Latin to Cyrillic for the Serbian words this generator uses
    (never for foreign words, acronyms, or legal forms; see latin_keep)."""
    out, i = [], 0
    while i < len(s):
        two = s[i:i + 2]
        if two in _LAT2CYR_DIGRAPHS:
            out.append(_LAT2CYR_DIGRAPHS[two])
            i += 2
            continue
        out.append(_LAT2CYR.get(s[i], s[i]))
        i += 1
    return "".join(out)


def cyr_legal(form):
    return {"d.o.o.": "д.о.о.", "doo": "доо", "a.d.": "а.д.",
            "d.o.o. Beograd": "д.о.о. Београд"}.get(form, form)


_FOLD = {"đ": "dj", "Đ": "dj", "ž": "z", "š": "s", "č": "c", "ć": "c"}


def slugify(latin_name):
    """ASCII slug of a Latin name: lower case, runs of other characters as
    one '-', at most 50 characters (room for a uniqueness suffix)."""
    s = "".join(_FOLD.get(c, c) for c in latin_name)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    out, dash = [], False
    for c in s:
        if c.isalnum():
            out.append(c)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:50].strip("-")


def pib_check(base8):
    """The ISO 7064 MOD 11,10 check digit of an 8-digit PIB base."""
    c = 10
    for ch in base8:
        c = (c + int(ch)) % 10
        if c == 0:
            c = 10
        c = (c * 2) % 11
    return (11 - c) % 10


def mb_check(base7):
    """The check digit of a matični broj base, or None where it has none
    that fits (r = 10 maps to 0 per DOMAIN.md)."""
    w = [2, 7, 6, 5, 4, 3, 2]
    s = sum(int(d) * k for d, k in zip(base7, w))
    r = 11 - (s % 11)
    return 0 if r > 9 else r


assert pib_check("10113470") == 2 and pib_check("11346026") == 2
assert mb_check("6684125") == 1

# --- entries -------------------------------------------------------------------

ORG_FIELDS = ["slug", "name", "name_en", "acronym", "kind", "status", "short_sr", "short_en",
              "description_sr", "description_en", "website", "email", "phone", "address",
              "municipality", "district", "region", "country", "year_founded", "pib", "mb",
              "sectors", "fos", "geo"]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


class OrgMaker:
    """Makes one entry at a time; keeps slugs, PIBs and MBs unique."""

    def __init__(self, rng):
        self.rng = rng
        self.slugs = set()
        self.pibs = set()
        self.mbs = set()
        self.districts = list(DISTRICT_WEIGHT.items())
        self.kinds = [(k, w) for k, w, _ in KINDS]
        self.kind_nace = {k: n for k, _, n in KINDS}
        self.company_nace = list(COMPANY_NACE_WEIGHT.items())

    def seat(self):
        rng = self.rng
        district = weighted(rng, self.districts)
        towns = MUNICIPALITIES[district]
        town = towns[0] if rng.random() < 0.55 else rng.choice(towns)
        return district, REGION_OF[district], town

    def unique_slug(self, base):
        base = base or "entry"
        slug, k = base, 2
        while slug in self.slugs:
            slug = "%s-%d" % (base, k)
            k += 1
        self.slugs.add(slug)
        return slug

    def identifiers(self):
        rng = self.rng
        while True:
            base = "%08d" % rng.randrange(10000000, 99999999)
            pib = base + str(pib_check(base))
            if pib not in self.pibs:
                self.pibs.add(pib)
                break
        while True:
            base = "%07d" % rng.randrange(1000000, 9999999)
            mb = base + str(mb_check(base))
            if mb not in self.mbs:
                self.mbs.add(mb)
                break
        return pib, mb

    def name_for(self, kind, town, nace):
        """(latin name, english name or None, acronym or None, fos list)."""
        rng = self.rng
        if kind == "company":
            p = rng.random()
            legal = rng.choice(LEGAL)
            if p < 0.30:
                n = rng.choice(PREFIXES) + rng.choice(STEMS)
                return "%s %s" % (n, legal), None, None, []
            if p < 0.50:
                return "%s %s %s" % (rng.choice(PREFIXES), rng.choice(WORDS), town), None, None, []
            if p < 0.65:
                return "%s %s %s" % (rng.choice(SURNAMES), rng.choice(WORDS), legal), None, None, []
            if p < 0.78:
                trade, self.nace_override = rng.choice(TRADES)
                return ("PR %s %s %s %s" % (rng.choice(FIRST_NAMES), rng.choice(SURNAMES),
                                            trade, town), None, None, [])
            if p < 0.90:
                n = rng.choice(PREFIXES) + rng.choice(STEMS)
                return "%s %s" % (n, town), None, None, []
            n = rng.choice(PREFIXES) + " " + rng.choice(WORDS)
            return "%s %s" % (n, legal), None, None, []
        if kind in ("cluster", "cluster_initiative"):
            theme = rng.choice(THEMES)
            word = "Klaster" if kind == "cluster" else "Klasterska inicijativa"
            en = ("%s cluster %s" % (theme[1].capitalize(), town)) if kind == "cluster" else \
                ("%s cluster initiative %s" % (theme[1].capitalize(), town))
            return "%s %s %s" % (word, theme[0], town), en, None, []
        if kind == "university":
            sc = rng.choice(SCIENCES)
            return ("Fakultet %s %s" % (sc[0], town), "Faculty of %s %s" % (sc[1], town),
                    None, [sc[2]])
        if kind == "research_institute":
            ins = rng.choice(INSTITUTES)
            return ("%s %s" % (ins[0], town), "Institute of %s %s" % (ins[1], town),
                    None, [ins[2]])
        if kind == "public_authority":
            p = rng.random()
            if p < 0.5:
                return "Opština %s" % town, "Municipality of %s" % town, None, []
            if p < 0.8:
                return "Gradska uprava %s" % town, "City administration of %s" % town, None, []
            return ("Regionalna razvojna agencija %s" % town, "Regional development agency %s" % town,
                    "RRA", [])
        if kind == "chamber":
            return ("Regionalna privredna komora %s" % town,
                    "Regional chamber of commerce %s" % town, "RPK", [])
        if kind == "ngo":
            theme = rng.choice(THEMES)
            return ("Udruženje za razvoj %s %s" % (theme[0], town),
                    "Association for the development of %s, %s" % (theme[1], town), None, [])
        if kind == "incubator":
            return "Biznis inkubator %s" % town, "Business incubator %s" % town, "BIC", []
        if kind == "startup_centre":
            return "Startap centar %s" % town, "Start-up centre %s" % town, None, []
        if kind == "tech_centre":
            return ("Centar za inovacije i transfer tehnologija %s" % town,
                    "Innovation and technology transfer centre %s" % town, "CITT", ["2.11"])
        if kind == "science_park":
            return ("Naučno-tehnološki park %s" % town, "Science and technology park %s" % town,
                    "NTP", ["2.11"])
        return ("Program podrške razvoju %s" % town,
                "Development support programme %s (illustrative)" % town, None, ["5.2"])

    def make(self, i):
        rng = self.rng
        kind = weighted(rng, self.kinds)
        district, region, town = self.seat()
        if kind == "company":
            nace = weighted(rng, self.company_nace)
        else:
            nace = rng.choice(self.kind_nace[kind] or ["62"])
        self.nace_override = None
        latin, name_en, acronym, fos = self.name_for(kind, town, nace)
        nace = self.nace_override or nace
        if kind in ("cluster", "cluster_initiative"):
            theme = next(t for t in THEMES if t[0] in latin)
            nace = theme[2]
        if nace not in NACE:
            nace = "72"
        cyr = rng.random() < 0.5
        if cyr:
            words = latin.split(" ")
            # legal forms have a Cyrillic spelling; acronyms stay Latin
            if kind == "company" and words[-1] in ("d.o.o.", "doo", "a.d."):
                name = to_cyrillic(" ".join(words[:-1])) + " " + cyr_legal(words[-1])
            elif latin.endswith("d.o.o. Beograd"):
                name = to_cyrillic(latin[:-len("d.o.o. Beograd")]) + cyr_legal("d.o.o. Beograd")
            else:
                name = to_cyrillic(latin)
            town_name = to_cyrillic(town)
        else:
            name = latin
            town_name = town
        bare = latin
        for form in sorted(LEGAL, key=len, reverse=True):
            if bare.endswith(" " + form):
                bare = bare[:-len(form) - 1]
                break
        slug = self.unique_slug(slugify(bare))
        section, nace_en, nace_sr = NACE[nace]
        sectors = sorted({section, nace})
        if not fos and rng.random() < (0.25 if kind == "company" else 0.8):
            fos = [rng.choice(FOS_FOR_NACE.get(nace, ["2.11"]))]
        fos = sorted(set(fos))
        geo_r = rng.random()
        geo = ["RS"] if geo_r < 0.55 else ["R-" + region] if geo_r < 0.75 else \
            ["D-" + district] if geo_r < 0.85 else ["WB"] if geo_r < 0.93 else ["RS", "EU"]
        year = 1990 + int((rng.random() ** 0.7) * 35) if rng.random() < 0.85 else \
            rng.randrange(1946, 1990)
        year = min(year, 2025)
        region_en, region_sr = REGION_LABEL[region]
        short_sr = "%s: %s, %s." % ({"company": "Предузеће", "ngo": "Удружење",
                                     "cluster": "Кластер",
                                     "cluster_initiative": "Кластерска иницијатива",
                                     "public_authority": "Орган јавне власти",
                                     "chamber": "Привредна комора",
                                     "university": "Факултет",
                                     "research_institute": "Научни институт",
                                     "incubator": "Бизнис инкубатор",
                                     "startup_centre": "Старт-ап центар",
                                     "tech_centre": "Иновациони центар",
                                     "science_park": "Научно-технолошки парк",
                                     "donor": "Донаторски програм"}[kind],
                                    nace_sr, to_cyrillic(town))
        short_en = "%s in %s: %s." % (kind.replace("_", " ").capitalize(), town, nace_en)
        description_sr = (
            "%s се бави делатношћу „%s“. Седиште је у општини %s (%s). Основано је %d. године "
            "и сарађује са партнерима у региону %s. Отворено је за заједничке пројекте, "
            "размену знања и нове купце." % (name, nace_sr, to_cyrillic(town),
                                             region_sr, year, region_sr))
        description_en = (
            "%s works in %s. It is based in %s (%s), was founded in %d and works with partners "
            "across %s. It is open to joint projects, knowledge exchange and new customers."
            % (name_en or latin, nace_en, town, region_en, year, region_en))
        web = rng.random() < 0.6
        host = "%s.example" % slug
        status = "published" if rng.random() < 0.97 else ("draft" if rng.random() < 0.7 else "archived")
        pib, mb = self.identifiers() if i % 2 == 0 else ("", "")
        street = rng.choice(STREETS)
        address = "%s %d" % (to_cyrillic(street) if cyr else street, rng.randrange(1, 180))
        return {
            "slug": slug, "name": name, "name_en": name_en or "", "acronym": acronym or "",
            "kind": kind, "status": status, "short_sr": short_sr, "short_en": short_en,
            "description_sr": description_sr, "description_en": description_en,
            "website": "https://www.%s/" % host if web else "",
            "email": "info@%s" % host if web else "", "phone": "", "address": address,
            "municipality": town_name, "district": district, "region": region, "country": "RS",
            "year_founded": year, "pib": pib, "mb": mb,
            "sectors": sectors, "fos": fos, "geo": geo,
        }


def write_orgs(rows, fmt, out):
    if fmt == "json":
        out.write("[\n")
        for i, r in enumerate(rows):
            obj = {k: (v if v != "" else None) for k, v in r.items()}
            out.write(("," if i else "") + json.dumps(obj, ensure_ascii=False) + "\n")
        out.write("]\n")
        return
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(ORG_FIELDS)
    for r in rows:
        w.writerow([";".join(r[k]) if isinstance(r[k], list) else r[k] for k in ORG_FIELDS])


def cmd_orgs(args):
    rng = random.Random(args.seed)
    maker = OrgMaker(rng)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    write_orgs((maker.make(i) for i in range(args.count)), args.format, out)
    out.flush()
    out.detach()
    return 0


# --- clusters, memberships and figures (bench/figures.sh) ----------------------

END_DATE = datetime.date(2024, 12, 31)   # memberships start by this day
LATEST = datetime.date(2025, 6, 30)      # later dates (leaving, stages) stop here
SCAN_FOUNDED = datetime.date(2009, 12, 11)
EPOCH = datetime.date(1970, 1, 1)

# RSD per EUR * 10^4 as seeded by migration 0005 (the years RSD input is
# possible for).
FX_RATES = {2019: 1178518, 2020: 1175784, 2021: 1175723, 2022: 1174593, 2023: 1172530,
            2024: 1170875, 2025: 1171500}

# Cluster names: "<Adjective> klaster <theme>" and "Klaster <theme> <area>",
# with the district of the seat and a place name for the English name.
CLUSTER_ADJ = [("Vojvođanski", "JUZNOBACKI", "Vojvodina"), ("Novosadski", "JUZNOBACKI", "Novi Sad"),
               ("Sremski", "SREMSKI", "Srem"), ("Banatski", "SREDNJEBANATSKI", "Banat"),
               ("Bački", "ZAPADNOBACKI", "Bačka"), ("Beogradski", "BEOGRAD", "Belgrade"),
               ("Šumadijski", "SUMADIJSKI", "Šumadija"), ("Kragujevački", "SUMADIJSKI", "Kragujevac"),
               ("Zlatiborski", "ZLATIBORSKI", "Zlatibor"), ("Niški", "NISAVSKI", "Niš"),
               ("Južnosrpski", "JABLANICKI", "South Serbia"),
               ("Istočnosrpski", "ZAJECARSKI", "East Serbia"), ("Timočki", "ZAJECARSKI", "Timok"),
               ("Podunavski", "PODUNAVSKI", "Danube"), ("Pomoravski", "POMORAVSKI", "Pomoravlje"),
               ("Rasinski", "RASINSKI", "Rasina"), ("Mačvanski", "MACVANSKI", "Mačva"),
               ("Kolubarski", "KOLUBARSKI", "Kolubara"), ("Pirotski", "PIROTSKI", "Pirot"),
               ("Raški", "RASKI", "Raška"), ("Čačanski", "MORAVICKI", "Čačak")]
CLUSTER_AREA = [("Vojvodine", "JUZNOBACKI", "Vojvodina"), ("Zapadne Srbije", "ZLATIBORSKI", "West Serbia"),
                ("Južne Srbije", "NISAVSKI", "South Serbia"), ("Istočne Srbije", "ZAJECARSKI", "East Serbia"),
                ("Šumadije", "SUMADIJSKI", "Šumadija"), ("Beograda", "BEOGRAD", "Belgrade"),
                ("Srema", "SREMSKI", "Srem"), ("Banata", "SREDNJEBANATSKI", "Banat"),
                ("Bačke", "ZAPADNOBACKI", "Bačka"), ("Pomoravlja", "POMORAVSKI", "Pomoravlje"),
                ("Podunavlja", "PODUNAVSKI", "Danube region")]
CLUSTER_SERVICES = ["заједнички наступ на сајмовима", "обуке и радионице за чланове",
                    "повезивање са купцима у ЕУ", "припрема заједничких пројеката",
                    "трансфер технологија са факултетима", "заједничка набавка",
                    "сертификација и стандарди", "менторство за стартапе"]
CLUSTER_NETWORKS = ["Enterprise Europe Network", "European Cluster Collaboration Platform",
                    "Danube Cluster Network", "ClusterXchange", "Balkan Cluster Network"]

# Yearly figures: median headcount (and the lognormal sigma) by kind;
# revenue per employee in EUR (medians) by NACE division for companies.
EMP_MEDIAN = {"company": (9, 1.35), "ngo": (3, 0.8), "cluster": (3, 0.6),
              "cluster_initiative": (2, 0.6), "public_authority": (60, 0.9), "chamber": (15, 0.6),
              "university": (180, 0.6), "research_institute": (70, 0.7), "incubator": (8, 0.6),
              "startup_centre": (6, 0.6), "tech_centre": (12, 0.6), "science_park": (15, 0.6),
              "donor": (5, 0.7)}
RPE_NACE = {"46": 110000, "47": 70000, "35": 250000, "62": 45000, "63": 40000, "10": 55000,
            "11": 70000, "20": 90000, "29": 65000, "27": 50000, "26": 50000, "28": 48000,
            "49": 45000, "52": 50000, "01": 30000, "41": 40000, "43": 30000, "56": 20000,
            "55": 25000, "25": 38000, "22": 45000, "16": 32000, "31": 30000, "13": 25000,
            "14": 18000, "69": 25000, "70": 35000, "71": 40000, "73": 35000}
RND_NACE = {"62", "72", "26", "20", "27", "28", "29", "63", "71"}
SOURCES = [("self_reported", 55), ("business_register", 35), ("estimate", 10)]
FIG_COLUMNS = ["slug", "year", "employees", "revenue", "exports", "rnd", "currency", "source"]


def stream(seed, name):
    """The random stream of one subcommand: a string seed is hashed with
    SHA-512, the same on every Python 3, and leaves `orgs`' stream alone."""
    return random.Random("%d/%s" % (seed, name))


def epoch(day, hour=9):
    return (day - EPOCH).days * 86400 + hour * 3600


def day_between(rng, a, b):
    """A uniformly drawn day in [a, b] (a when b < a)."""
    return a + datetime.timedelta(days=rng.randrange(max(0, (b - a).days) + 1))


def org_summaries(seed, count):
    """The entries `orgs` makes for this seed and count, as (slug, kind,
    NACE division, sole proprietor?, region), with the maker (its slug,
    PIB and MB sets)."""
    maker = OrgMaker(random.Random(seed))
    out = []
    for i in range(count):
        r = maker.make(i)
        nace = next((c for c in r["sectors"] if len(c) == 2), "72")
        out.append((r["slug"], r["kind"], nace, r["name"].startswith(("PR ", "ПР ")), r["region"]))
    return out, maker


def make_clusters(seed, maker, count):
    """count cluster entries: (record for `scan org import`, theme NACE
    division, founding date). The first is the national cluster."""
    rng = stream(seed, "clusters")
    maker.rng = rng   # unique slugs, PIBs and MBs against the orgs' as well
    names, out = set(), []
    for i in range(count):
        for attempt in range(200):
            theme = rng.choice(THEMES)
            p = rng.random()
            if i == 0:
                district, town = "BEOGRAD", "Novi Beograd"
                latin, place_en = "Klaster %s Srbije" % theme[0], "Serbia"
            elif p < 0.55:
                district, _, town = maker.seat()
                latin, place_en = "Klaster %s %s" % (theme[0], town), town
            elif p < 0.85:
                adj, district, place_en = rng.choice(CLUSTER_ADJ)
                town = MUNICIPALITIES[district][0]
                latin = "%s klaster %s" % (adj, theme[0])
            else:
                area, district, place_en = rng.choice(CLUSTER_AREA)
                town = MUNICIPALITIES[district][0]
                latin = "Klaster %s %s" % (theme[0], area)
            if attempt >= 100:
                latin = "%s %d" % (latin, i)
            if latin not in names:
                break
        names.add(latin)
        region = REGION_OF[district]
        nace = theme[2]
        section, nace_en, nace_sr = NACE[nace]
        year = 2009 if i == 0 else 2006 + int((rng.random() ** 1.3) * 18)
        founded = day_between(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        cyr = rng.random() < 0.5
        name = to_cyrillic(latin) if cyr else latin
        name_en = ("%s cluster of Serbia" % theme[1].capitalize()) if i == 0 else \
            "%s %s cluster" % (place_en, theme[1])
        slug = maker.unique_slug(slugify(latin))
        pib, mb = maker.identifiers() if rng.random() < 0.85 else ("", "")
        fos = [rng.choice(FOS_FOR_NACE[nace])] if nace in FOS_FOR_NACE and rng.random() < 0.7 else []
        g = rng.random()
        geo = ["RS"] if i == 0 or g < 0.4 else ["R-" + region] if g < 0.8 else \
            ["RS", "EU"] if g < 0.9 else ["WB"]
        region_en, region_sr = REGION_LABEL[region]
        theme_sr = to_cyrillic(theme[0])
        description_sr = (
            "%s окупља предузећа, факултете, институте и јавне институције у области %s ради "
            "заједничких пројеката, извоза и иновација. Седиште је у општини %s (%s); основан је "
            "%d. године." % (name, theme_sr, to_cyrillic(town), region_sr, year))
        description_en = (
            "%s brings together companies, faculties, institutes and public bodies in %s for "
            "joint projects, exports and innovation. Based in %s (%s), founded in %d."
            % (name_en, theme[1], town, region_en, year))
        host = "%s.example" % slug
        street = rng.choice(STREETS)
        rec = {
            "slug": slug, "name": name, "name_en": name_en, "acronym": "",
            "kind": "cluster", "status": "published",
            "short_sr": "Кластер: %s, %s." % (nace_sr, to_cyrillic(town)),
            "short_en": "Cluster in %s: %s." % (town, nace_en),
            "description_sr": description_sr, "description_en": description_en,
            "website": "https://www.%s/" % host, "email": "info@%s" % host, "phone": "",
            "address": "%s %d" % (to_cyrillic(street) if cyr else street, rng.randrange(1, 180)),
            "municipality": to_cyrillic(town) if cyr else town, "district": district,
            "region": region, "country": "RS", "year_founded": year, "pib": pib, "mb": mb,
            "sectors": sorted({section, nace}), "fos": fos, "geo": geo,
        }
        out.append((rec, nace, founded))
    return out


class World:
    """Entries, clusters and memberships of one seed: what `members` and
    `figures` need to agree on."""

    def __init__(self, seed, n_orgs, n_clusters, national):
        self.orgs, maker = org_summaries(seed, n_orgs)
        self.clusters = make_clusters(seed, maker, n_clusters)
        self.national = set()
        self.members = []   # (cluster index, org index, role, joined, left or None)
        if not self.clusters:
            return
        rng = stream(seed, "members")
        if national > 0:
            self.national = set(rng.sample(range(n_orgs), min(national, n_orgs)))
        regular = list(range(1, n_clusters))
        # Cluster sizes are skewed: a few big clusters, many small ones.
        weight = {c: rng.lognormvariate(0, 1.0) for c in regular}
        by_theme = {}
        for c in regular:
            by_theme.setdefault(self.clusters[c][1], []).append(c)
        pools = {k: (v, self._cumulative(v, weight)) for k, v in by_theme.items()}
        every = (regular, self._cumulative(regular, weight))
        for o, (slug, kind, nace, pr, region) in enumerate(self.orgs):
            if o in self.national:
                joined = day_between(rng, SCAN_FOUNDED, datetime.date(2014, 12, 31))
                role = "founding_member" if rng.random() < 0.05 else "member"
                self.members.append((0, o, role, joined, None))
            if not regular:
                continue
            pool = pools.get(nace) if rng.random() < 0.6 else None
            first = self._pick(rng, *(pool or every))
            self.members.append(self._membership(rng, first, o))
            if o not in self.national and rng.random() < 0.05 and len(regular) > 1:
                second = first
                while second == first:
                    second = self._pick(rng, *every)
                self.members.append(self._membership(rng, second, o))
        self.members.sort(key=lambda m: (m[0], m[1]))

    @staticmethod
    def _cumulative(items, weight):
        acc, out = 0.0, []
        for c in items:
            acc += weight[c]
            out.append(acc)
        return out

    @staticmethod
    def _pick(rng, items, cum):
        return items[min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(items) - 1)]

    def _membership(self, rng, c, o):
        founded = self.clusters[c][2]
        x = rng.random()
        if x < 0.12:
            return (c, o, "founding_member", founded, None)
        joined = day_between(rng, founded, END_DATE)
        left = None
        if rng.random() < 0.12:
            left = joined + datetime.timedelta(days=rng.randrange(365, 8 * 365))
            if left > LATEST:
                left = None
        role = "board" if left is None and rng.random() < 0.03 else "member"
        return (c, o, role, joined, left)


def sql_str(v):
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, datetime.date):
        v = v.isoformat()
    return "'" + str(v).replace("'", "''") + "'"


def write_values(out, head, rows, chunk=500):
    """INSERT ... SELECT head FROM (VALUES rows) in chunks of chunk rows."""
    for i in range(0, len(rows), chunk):
        out.write(head + " FROM (VALUES\n")
        out.write(",\n".join("(" + ",".join(sql_str(v) for v in r) + ")" for r in rows[i:i + chunk]))
        out.write(");\n")


# a data version bumped as tx.c does it (migration 0049: shard 0 of its kind)
SQL_BUMP = "UPDATE data_version SET n = n + 1 WHERE shard = 0 AND kind IN (%s);\n"
ORG_ID = "(SELECT id FROM org WHERE slug = %s)"


def sql_begin(out, what):
    out.write("-- bench/gen.py %s: load with `sqlite3 DB < FILE` (one transaction;\n"
              "-- stops at the first error, nothing loaded)\n.bail on\nBEGIN;\n" % what)


def cmd_clusters(args):
    maker = org_summaries(args.seed, args.orgs)[1]
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    write_orgs((rec for rec, _, _ in make_clusters(args.seed, maker, args.count)), args.format, out)
    out.flush()
    out.detach()
    return 0


def cmd_members(args):
    w = World(args.seed, args.orgs, args.clusters, args.national)
    rng = stream(args.seed, "cluster-details")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    sql_begin(out, "members --orgs %d --clusters %d --national %d (seed %d)"
              % (args.orgs, args.clusters, args.national, args.seed))
    # memberships, one statement per cluster (and chunk)
    by_cluster = {}
    for c, o, role, joined, left in w.members:
        ts = epoch(joined)
        by_cluster.setdefault(c, []).append((w.orgs[o][0], role, joined, left, ts,
                                             epoch(left) if left else ts))
    for c in sorted(by_cluster):
        write_values(out, "INSERT INTO cluster_member(cluster_id, org_id, role, joined_on, left_on,"
                     " created_at, updated_at) SELECT " + ORG_ID % sql_str(w.clusters[c][0]["slug"]) +
                     ", " + ORG_ID % "column1" + ", column2, column3, column4, column5, column6",
                     by_cluster[c])
    scan, stages, labels, profiles = [], [], [], []
    for c, (rec, nace, founded) in enumerate(w.clusters):
        slug, year = rec["slug"], founded.year
        # SCAN membership history
        x = rng.random()
        if c == 0 or (year <= 2009 and x < 0.10):
            scan.append((slug, "founder", SCAN_FOUNDED, None, epoch(SCAN_FOUNDED)))
        elif x < 0.80:
            since = day_between(rng, max(founded, datetime.date(2010, 1, 1)), datetime.date(2024, 6, 30))
            applied = since - datetime.timedelta(days=rng.randrange(30, 120))
            scan.append((slug, "applied", applied, None, epoch(applied)))
            scan.append((slug, "member", since, None, epoch(since)))
            y = rng.random()
            if y < 0.07:
                left = min(LATEST, since + datetime.timedelta(days=rng.randrange(365, 6 * 365)))
                scan.append((slug, "left", left, "Istupio na sopstveni zahtev", epoch(left)))
            elif y < 0.10:
                susp = min(LATEST, since + datetime.timedelta(days=rng.randrange(200, 4 * 365)))
                scan.append((slug, "suspended", susp, "Neplaćena članarina", epoch(susp)))
                if rng.random() < 0.5 and susp < LATEST:
                    back = min(LATEST, susp + datetime.timedelta(days=rng.randrange(60, 400)))
                    scan.append((slug, "member", back, None, epoch(back)))
        elif x < 0.90:
            applied = day_between(rng, datetime.date(2025, 1, 1), datetime.date(2026, 10, 31))
            scan.append((slug, "applied", applied, None, epoch(applied)))
        # stages reached, in order
        day = founded
        for stage, (lo, hi) in zip(("initiative", "emerging", "developing", "established"),
                                   ((0, 0), (300, 800), (600, 1500), (900, 2400))):
            day = day + datetime.timedelta(days=rng.randrange(lo, hi + 1))
            if day > LATEST or (stage != "initiative" and rng.random() < 0.25):
                break
            stages.append((slug, stage, day, epoch(day)))
        # excellence labels
        z = rng.random()
        label = "esca_gold" if z < 0.01 else "esca_silver" if z < 0.04 else \
            "esca_bronze" if z < 0.14 else None
        if label:
            awarded = day_between(rng, max(founded, datetime.date(2014, 1, 1)), datetime.date(2024, 12, 31))
            labels.append((slug, label, awarded, awarded.replace(year=awarded.year + 2)
                           if awarded.month != 2 or awarded.day != 29 else
                           datetime.date(awarded.year + 2, 2, 28)))
        # strategy texts
        if rng.random() < 0.8:
            theme = to_cyrillic(next(t[0] for t in THEMES if t[2] == nace))
            profiles.append((
                slug,
                "Препознатљив и конкурентан сектор %s у региону и Европи." % theme,
                "Повезујемо чланице, науку и јавни сектор ради раста, извоза и нових радних места.",
                "Више заједничких пројеката; нови купци у ЕУ; обучени кадрови за чланице.",
                "\n".join(rng.sample(CLUSTER_SERVICES, 3)),
                "\n".join(rng.sample(CLUSTER_NETWORKS, rng.randrange(0, 3))) or None,
                epoch(END_DATE)))
    write_values(out, "INSERT INTO scan_membership(org_id, status, since, note, created_at) SELECT "
                 + ORG_ID % "column1" + ", column2, column3, column4, column5", scan)
    write_values(out, "INSERT INTO cluster_stage(org_id, stage, reached_on, created_at) SELECT "
                 + ORG_ID % "column1" + ", column2, column3, column4", stages)
    write_values(out, "INSERT INTO cluster_label(org_id, label, awarded_on, expires_on) SELECT "
                 + ORG_ID % "column1" + ", column2, column3, column4", labels)
    write_values(out, "INSERT INTO cluster_profile(org_id, vision, mission, goals, services,"
                 " networks, updated_at) SELECT " + ORG_ID % "column1" +
                 ", column2, column3, column4, column5, column6, column7", profiles)
    out.write(SQL_BUMP % "'figures', 'directory'")
    out.write("COMMIT;\n")
    out.flush()
    out.detach()
    print("gen.py members: %d memberships (%d organisations, %d in two clusters, national cluster"
          " %s with %d), %d SCAN membership rows" % (
              len(w.members), len({m[1] for m in w.members}),
              len(w.members) - len({m[1] for m in w.members}),
              w.clusters[0][0]["slug"] if w.clusters else "-", len(w.national), len(scan)),
          file=sys.stderr)
    return 0


def money(x):
    """EUR (a float) as cents."""
    return max(0, int(round(x * 100)))


def rsd_to_eur(para, rate_e4):
    """As figures_rsd_to_eur: para * 10^4 / rate_e4 rounded half up."""
    return (para * 10000 * 2 + rate_e4) // (2 * rate_e4)


def org_figures(rng, kind, nace, pr, years):
    """One organisation's rows: (year, employees, revenue_eur, exports_eur,
    rnd_eur, revenue_rsd, exports_rsd, rnd_rsd, rate_e4, source,
    entered_at, verified_at), None for "not given"."""
    median, sigma = (1.3, 0.5) if pr else EMP_MEDIAN.get(kind, (5, 0.7))
    emp = min(50000.0, median * rng.lognormvariate(0, sigma))
    base = RPE_NACE.get(nace, 35000) if kind == "company" else 30000
    rpe = base * rng.lognormvariate(0, 0.5) * (0.6 if pr else 1.0)
    section = NACE.get(nace, ("?",))[0]
    if kind == "company":
        p_export = 0.55 if section == "C" else 0.5 if nace in ("62", "63") else \
            0.3 if nace == "01" else 0.25 if nace == "46" else 0.1
    else:
        p_export = {"research_institute": 0.3, "university": 0.1, "tech_centre": 0.2}.get(kind, 0.0)
    share = rng.betavariate(1.5, 2.5) if rng.random() < p_export else 0.0
    exports_unknown = share == 0.0 and rng.random() < 0.3
    if kind in ("university", "research_institute"):
        rnd_share = 0.25 * rng.lognormvariate(0, 0.3)
    elif kind in ("tech_centre", "science_park"):
        rnd_share = 0.10 * rng.lognormvariate(0, 0.3)
    elif kind == "company" and nace in RND_NACE and rng.random() < 0.35:
        rnd_share = rng.uniform(0.01, 0.08)
    elif kind == "company" and rng.random() < 0.05:
        rnd_share = rng.uniform(0.005, 0.03)
    else:
        rnd_share = None
    in_rsd = rng.random() < 0.2
    source = weighted(rng, SOURCES)
    rows = []
    for year in years:
        emp *= math.exp(rng.gauss(0.02, 0.10))
        rpe *= math.exp(rng.gauss(0.04 - (0.08 if year == 2020 else 0)
                                  + (0.06 if year in (2021, 2022) else 0), 0.08))
        employees = int(round(emp))
        revenue = max(employees, 0.5) * rpe * rng.lognormvariate(0, 0.05)
        exports = None if exports_unknown else revenue * min(0.98, share * rng.lognormvariate(0, 0.2))
        rnd = None if rnd_share is None else revenue * rnd_share * rng.lognormvariate(0, 0.2)
        g = rng.random()
        if g < 0.015:
            revenue = exports = rnd = None        # headcount only
        elif g < 0.025:
            employees = None                      # money only
        src = source if rng.random() < 0.9 else weighted(rng, SOURCES)
        entered = epoch(datetime.date(year + 1, 2, 1)) + rng.randrange(150 * 86400)
        p_verified = 0.7 if year <= 2022 else 0.5 if year == 2023 else 0.25
        verified = entered + rng.randrange(86400, 90 * 86400) \
            if src != "estimate" and rng.random() < p_verified else None
        rate = FX_RATES.get(year) if in_rsd and revenue is not None else None
        if rate:
            # whole dinars, as people type them
            rev_p = int(round(revenue * rate / 10000)) * 100
            exp_p = None if exports is None else min(rev_p, int(round(exports * rate / 10000)) * 100)
            rnd_p = None if rnd is None else int(round(rnd * rate / 10000)) * 100
            rows.append((year, employees, rsd_to_eur(rev_p, rate),
                         None if exp_p is None else rsd_to_eur(exp_p, rate),
                         None if rnd_p is None else rsd_to_eur(rnd_p, rate),
                         rev_p, exp_p, rnd_p, rate, src, entered, verified))
        else:
            rev_c = None if revenue is None else money(revenue)
            exp_c = None if exports is None else min(rev_c, money(exports))
            rnd_c = None if rnd is None else money(rnd)
            rows.append((year, employees, rev_c, exp_c, rnd_c, None, None, None, None, src,
                         entered, verified))
    return rows


def decimal(minor):
    return "" if minor is None else "%d.%02d" % divmod(minor, 100)


def cmd_figures(args):
    first, last = args.years
    years = list(range(first, last + 1))
    w = World(args.seed, args.orgs, args.clusters, args.national)
    rng = stream(args.seed, "figures")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    if args.format == "csv":
        cw = csv.writer(out, lineterminator="\r\n")
        cw.writerow(FIG_COLUMNS)
    else:
        sql_begin(out, "figures --part %s --years %d-%d (seed %d)" % (args.part, first, last, args.seed))
    n = 0
    for o, (slug, kind, nace, pr, region) in enumerate(w.orgs):
        rows = org_figures(rng, kind, nace, pr, years)   # drawn for every part alike
        if (args.part == "national") != (o in w.national) and args.part != "all":
            continue
        n += len(rows)
        if args.format == "csv":
            for (year, emp, rev, exp, rnd, rev_p, exp_p, rnd_p, rate, src, _, _) in rows:
                if rate:
                    cw.writerow([slug, year, "" if emp is None else emp, decimal(rev_p),
                                 decimal(exp_p), decimal(rnd_p), "RSD", src])
                else:
                    cw.writerow([slug, year, "" if emp is None else emp, decimal(rev),
                                 decimal(exp), decimal(rnd), "EUR", src])
        else:
            write_values(out, "INSERT INTO org_figure(org_id, year, employees, revenue_eur,"
                         " exports_eur, rnd_eur, revenue_rsd, exports_rsd, rnd_rsd, rate_e4, source,"
                         " entered_at, verified_at) SELECT " + ORG_ID % sql_str(slug) + ", *", rows)
    if args.format == "sql":
        out.write(SQL_BUMP % "'figures'")
        out.write("COMMIT;\n")
    out.flush()
    out.detach()
    print("gen.py figures: %d rows (%s, %d-%d)" % (n, args.part, first, last), file=sys.stderr)
    return 0


def year_range(s):
    try:
        a, _, b = s.partition("-")
        first, last = int(a), int(b or a)
    except ValueError:
        raise argparse.ArgumentTypeError("want YEAR or FIRST-LAST, got '%s'" % s)
    if not 1990 <= first <= last <= 2100:
        raise argparse.ArgumentTypeError("want years within 1990-2100, first <= last")
    return first, last


EVENT_KINDS = (("training", 40), ("workshop", 25), ("conference", 10), ("b2b", 15), ("study_visit", 10))
EVENT_TOPICS = ("izvoz", "digitalizacija", "EU fondovi", "upravljanje klasterom", "inovacije",
                "energetska efikasnost", "B2B susreti", "lanci snabdevanja")


def bench_token(seed, i):
    """The API token of bench person i: 43 base64url characters, as scan makes them."""
    raw = hashlib.blake2b(b"scan-bench-token %d %d" % (seed, i), digest_size=32).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cmd_events(args):
    """Events of the clusters of `clusters` with registrations (bench/development.sh).

    SQL for event and event_registration, and the people who registered
    (person rows with @bench.example addresses); the first --tokens people
    get an account and a write API token (written one a line to
    --tokens-out) and are registered nowhere, for concurrent registrations.
    Event 1 of the file is the race event: capacity --race-capacity, all
    but its last --race-left places confirmed, starting 2030-06-01. The
    others start between 2022 and 2030 (about half past today), capacity
    10-120 or none; registrations fill them in order (confirmed, then
    waiting), a tenth cancelled, and past events have attendance marked.
    """
    rng = stream(args.seed, "events")
    maker = org_summaries(args.seed, args.orgs)[1]
    clusters = [rec["slug"] for rec, _, _ in make_clusters(args.seed, maker, args.clusters)]
    if not clusters:
        print("gen.py events: no clusters (--clusters 0)", file=sys.stderr)
        return 2
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    sql_begin(out, "events --events %d --registrations %d (seed %d)"
              % (args.events, args.registrations, args.seed))
    n_people = max(args.people, args.tokens + 1)
    people = [("Bench Person %d" % i, "bench%d@bench.example" % i, 0, 0) for i in range(1, n_people + 1)]
    write_values(out, "INSERT INTO person(name, email, created_at, updated_at)"
                 " SELECT column1, column2, column3, column4", people)
    out.write("CREATE TEMP TABLE bench_person(i INTEGER PRIMARY KEY, id INTEGER NOT NULL);\n"
              "INSERT INTO bench_person SELECT CAST(substr(email, 6, instr(email, '@') - 6) AS INTEGER),"
              " id FROM person WHERE email LIKE 'bench%@bench.example';\n")
    out.write("INSERT INTO account(person_id, created_at) SELECT id, 0 FROM bench_person"
              " WHERE i <= %d;\n" % args.tokens)
    toks = [(i, hashlib.blake2b(bench_token(args.seed, i).encode(), digest_size=32).hexdigest())
            for i in range(1, args.tokens + 1)]
    if toks:
        for k in range(0, len(toks), 500):
            out.write("INSERT INTO api_token(account_id, name, token_hash, scope, created_at, expires_at)"
                      " SELECT a.id, 'bench', v.column2, 'write', 0, 4102444800 FROM (VALUES\n")
            out.write(",\n".join("(%d,X'%s')" % t for t in toks[k:k + 500]))
            out.write(") v JOIN bench_person b ON b.i = v.column1 JOIN account a ON a.person_id = b.id;\n")
    if args.tokens_out:
        with open(args.tokens_out, "w", encoding="ascii") as f:
            for i in range(1, args.tokens + 1):
                f.write(bench_token(args.seed, i) + "\n")
    # events: the race event first
    lo, hi = epoch(datetime.date(2022, 1, 1)), epoch(datetime.date(2030, 12, 31))
    events = []
    for e in range(args.events):
        if e == 0:
            start, cap, kind = epoch(datetime.date(2030, 6, 1), 10), args.race_capacity, "conference"
        else:
            start = lo + rng.randrange((hi - lo) // 1800) * 1800
            cap = rng.randrange(10, 121) if rng.random() < 0.85 else None
            kind = weighted(rng, EVENT_KINDS)
        topic = rng.choice(EVENT_TOPICS)
        title = "%s: %s" % (kind.replace("_", " ").capitalize(), topic)
        events.append((kind, clusters[rng.randrange(len(clusters))], title, start,
                       start + rng.choice((2, 3, 4, 6, 8)) * 3600, "Novi Sad" if rng.random() < 0.7 else None,
                       "https://meet.example/%d" % e if rng.random() < 0.4 else None,
                       rng.choice(("sr", "sr", "en", "sr_en")),
                       "everyone" if e == 0 else rng.choice(("everyone", "everyone", "members", "managers")),
                       cap))
    fixed = [ev if ev[5] or ev[6] else ev[:5] + ("Beograd",) + ev[6:] for ev in events]
    write_values(out, "INSERT INTO event(kind, organiser_id, title_sr, starts_at, ends_at, place,"
                 " online_url, language, audience, capacity, is_demo, created_at, updated_at) SELECT column1, "
                 + ORG_ID % "column2" + ", column3, column4, column5, column6, column7, column8, column9,"
                 " column10, 0, 0, 0", fixed)
    out.write("CREATE TEMP TABLE bench_event(e INTEGER PRIMARY KEY, id INTEGER NOT NULL);\n"
              "INSERT INTO bench_event SELECT row_number() OVER (ORDER BY id) - 1, id FROM event"
              " WHERE id > (SELECT coalesce(max(id), 0) FROM event) - %d;\n" % len(events))
    # registrations: the race event's first, then the rest spread with a skew
    today = epoch(datetime.date.today())
    regs = []
    race_taken = max(0, args.race_capacity - args.race_left)
    for k in range(race_taken):
        regs.append((0, args.tokens + 1 + k % (n_people - args.tokens), "confirmed", None))
    left = max(0, args.registrations - len(regs))
    weights = [rng.paretovariate(1.5) for _ in range(len(events))]
    weights[0] = 0
    total = sum(weights) or 1
    per = [int(left * w / total) for w in weights]
    per[-1 if len(per) > 1 else 0] += left - sum(per)
    for e, n in enumerate(per):
        if e == 0 or n <= 0:
            continue
        n = min(n, n_people - args.tokens)
        first = rng.randrange(n_people - args.tokens)
        cap, past = events[e][9], events[e][3] < today
        for k in range(n):
            person = args.tokens + 1 + (first + k) % (n_people - args.tokens)
            state = "confirmed" if cap is None or k < cap else "waiting"
            if rng.random() < 0.1 and state == "confirmed":
                state = "cancelled"
            attended = (1 if rng.random() < 0.8 else 0) if past and state == "confirmed" else None
            regs.append((e, person, state, attended))
    rows = [(e, p, st, lo + e, att) for e, p, st, att in regs]
    write_values(out, "INSERT INTO event_registration(event_id, person_id, state, queued_at,"
                 " confirmed_at, cancelled_at, attended, created_at, updated_at)"
                 " SELECT (SELECT id FROM bench_event WHERE e = column1),"
                 " (SELECT id FROM bench_person WHERE i = column2), column3, column4,"
                 " CASE column3 WHEN 'waiting' THEN NULL ELSE column4 END,"
                 " CASE column3 WHEN 'cancelled' THEN column4 END, column5, column4, column4", rows)
    out.write("COMMIT;\n")
    out.flush()
    out.detach()
    print("gen.py events: %d events, %d registrations, %d people (%d with a token)"
          % (len(events), len(regs), n_people, args.tokens), file=sys.stderr)
def cmd_assessments(args):
    """SQL: submitted self-assessments (migration 0020) of the first
    --clusters published clusters of the database (by id), one per year of
    --years, each with an answer per indicator of version 1 as listed in
    --indicators (sqlite3 lines id|group|scale|thresholds, in order).
    A cluster has a made-up maturity that grows a little every year; each
    answer is that maturity plus noise, as a level 0..4 and a value on the
    indicator's scale; scores are computed as model/assess.c does."""
    groups = ["structure", "governance", "financing", "services", "interaction", "recognition"]
    inds = []
    with open(args.indicators, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            iid, group, scale, thr = line.split("|")
            inds.append((int(iid), groups.index(group), scale,
                         [int(t) for t in thr.split(",")] if thr else None))
    if not inds:
        raise SystemExit("gen.py assessments: no indicators in %s" % args.indicators)
    first, last = args.years
    rng = stream(args.seed, "assessments")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    sql_begin(out, "assessments --clusters %d --years %d-%d (seed %d)"
              % (args.clusters, first, last, args.seed))
    # benchmark data only: the first questionnaire applies to every year made here
    out.write("UPDATE assess_version SET year_from = min(year_from, %d) WHERE id = 1;\n" % first)
    out.write("CREATE TEMP TABLE bench_cluster AS SELECT row_number() OVER (ORDER BY id) - 1 AS k,"
              " id FROM org WHERE kind IN ('cluster', 'cluster_initiative') AND status = 'published';\n")

    def half_up(a, b):
        return (2 * a + b) // (2 * b)

    responses, answers = [], []
    for k in range(args.clusters):
        maturity = rng.uniform(0.3, 3.2)
        for year in range(first, last + 1):
            m = maturity + 0.15 * (year - first)
            ts = epoch(datetime.date(year, 12, 1), 12)
            levels = []
            for iid, g, scale, thr in inds:
                level = max(0, min(4, int(round(m + rng.uniform(-1.2, 1.2)))))
                if scale == "yesno":
                    level = 4 if level >= 2 else 0
                    value = 1 if level else 0
                elif scale == "level":
                    value = level
                else:
                    value = 0 if level == 0 else thr[level - 1]
                levels.append((g, level))
                answers.append((k, year, iid, value, level, ts))
            sums, counts = [0] * 6, [0] * 6
            for g, level in levels:
                sums[g] += level
                counts[g] += 1
            group = [half_up(sums[g] * 1000, 4 * counts[g]) if counts[g] else None for g in range(6)]
            done = [x for x in group if x is not None]
            overall = half_up(sum(done), len(done))
            responses.append((k, year, overall, *group, ts))
    def values(head, tail, rows, chunk):
        for i in range(0, len(rows), chunk):
            out.write(head + " FROM (VALUES\n")
            out.write(",\n".join("(" + ",".join(sql_str(v) for v in r) + ")" for r in rows[i:i + chunk]))
            out.write(") AS v " + tail + ";\n")

    values("INSERT INTO assess_response(org_id, year, version_id, status, stage, score,"
           " score_structure, score_governance, score_financing, score_services,"
           " score_interaction, score_recognition, submitted_at, created_at, updated_at)"
           " SELECT c.id, v.column2, 1, 'submitted', (SELECT s.stage FROM cluster_stage s"
           " WHERE s.org_id = c.id ORDER BY s.reached_on DESC, s.id DESC LIMIT 1), v.column3,"
           " v.column4, v.column5, v.column6, v.column7, v.column8, v.column9, v.column10,"
           " v.column10, v.column10", "JOIN bench_cluster c ON c.k = v.column1", responses, 500)
    values("INSERT INTO assess_answer(response_id, org_id, year, version_id, indicator_id,"
           " value, level, source, answered_at) SELECT r.id, r.org_id, r.year, 1, v.column3,"
           " v.column4, v.column5, 'answered', v.column6",
           "JOIN bench_cluster c ON c.k = v.column1"
           " JOIN assess_response r ON r.org_id = c.id AND r.year = v.column2", answers, 1000)
    out.write("COMMIT;\n")
    out.flush()
    out.detach()
    return 0


def cmd_projects(args):
    """SQL: the partner network of issue 14 over the database's entries:
    --partners partner entries (universities, ministries, donors, ...),
    --projects joint projects over 2019-2026 in six programmes, every
    status, funded by a partner, and about --participations participants
    in all (a lead cluster or company, partners among clusters, members
    and partner entries; a third of the shares unknown, one project in
    twenty private), and --agreements agreements between SCAN, clusters
    and partners. Entries are picked by rank (k-th cluster, k-th company)
    so the same seed gives the same data on the same database."""
    rng = stream(args.seed, "projects")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    sql_begin(out, "projects --partners %d --projects %d --participations %d (seed %d)"
              % (args.partners, args.projects, args.participations, args.seed))
    kinds = ["university", "public_authority", "donor", "chamber", "research_institute",
             "science_park", "tech_centre", "ngo"]
    partners = [("bench-partner-%d" % i, "Партнер %d" % i, "Partner %d" % i, kinds[i % len(kinds)],
                 "partner %d" % i) for i in range(args.partners)]
    write_values(out, "INSERT INTO org(slug, name, name_en, kind, name_folded, status, created_at,"
                 " updated_at) SELECT column1, column2, column3, column4, column5, 'published', 0, 0",
                 partners)
    out.write("CREATE TEMP TABLE bc AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM org"
              " WHERE kind IN ('cluster', 'cluster_initiative');\n"
              "CREATE TEMP TABLE bo AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM org"
              " WHERE kind = 'company' LIMIT 20000;\n"
              "CREATE TEMP TABLE bp AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM org"
              " WHERE slug LIKE 'bench-partner-%';\n")
    n_c, n_o = args.clusters, min(20000, args.orgs // 2)
    programmes = ["Horizon Europe", "Interreg IPA", "Single Market Programme", "Фонд за иновациону делатност",
                  "Програм подршке кластерима", "Donor programme"]
    statuses = [("idea", 1), ("preparation", 2), ("submitted", 2), ("approved", 3), ("rejected", 4),
                ("running", 4), ("closed", 4)]
    per = max(2, round(args.participations / max(1, args.projects)))
    projects, parts = [], []
    for i in range(args.projects):
        year = rng.randint(2019, 2026)
        start = datetime.date(year, rng.randint(1, 12), 1)
        end = start + datetime.timedelta(days=rng.choice([365, 730, 1095]))
        status = weighted(rng, statuses)
        budget = rng.randint(50, 5000) * 100000
        grant = budget * rng.randint(50, 100) // 100
        projects.append((i, "Пројекат %d" % i, rng.choice(programmes), rng.randrange(args.partners),
                         status, (start - datetime.timedelta(days=120)).isoformat(),
                         start.isoformat() if status not in ("idea", "preparation", "submitted", "rejected") else None,
                         end.isoformat() if status not in ("idea", "preparation", "submitted", "rejected") else None,
                         budget, grant, "participants" if rng.random() < 0.05 else "public"))
        seen = set()
        n = max(1, per + rng.randint(-2, 2))
        for j in range(n):
            r = rng.random()
            who = ("c", rng.randrange(n_c)) if (j == 0 and r < 0.6) or (j and r < 0.25) else \
                  ("p", rng.randrange(args.partners)) if j and r < 0.55 else ("o", rng.randrange(n_o))
            if who in seen:
                continue
            seen.add(who)
            share = None if rng.random() < 0.33 else grant // n
            parts.append((i, who[0], who[1], "lead" if j == 0 else "partner", share))
    out.write("CREATE TEMP TABLE bj(k INTEGER PRIMARY KEY, id INTEGER);\n")
    write_values(out, "INSERT INTO project(title_sr, programme, funder_id, status, submitted_on, starts_on,"
                 " ends_on, budget_cents, grant_cents, visibility, created_at, updated_at)"
                 " SELECT column2, column3, (SELECT id FROM bp WHERE k = column4), column5, column6,"
                 " column7, column8, column9, column10, column11, 0, 0",
                 projects)
    out.write("INSERT INTO bj SELECT row_number() OVER (ORDER BY id) - 1, id FROM project"
              " WHERE title_sr LIKE 'Пројекат %';\n")
    write_values(out, "INSERT OR IGNORE INTO project_participant(project_id, org_id, role, share_cents)"
                 " SELECT (SELECT id FROM bj WHERE k = column1), CASE column2"
                 " WHEN 'c' THEN (SELECT id FROM bc WHERE k = column3)"
                 " WHEN 'p' THEN (SELECT id FROM bp WHERE k = column3)"
                 " ELSE (SELECT id FROM bo WHERE k = column3) END, column4, column5",
                 parts)
    out.write("DELETE FROM project_participant WHERE org_id IS NULL;\n")
    agreements = []
    for i in range(args.agreements):
        a = ("c", rng.randrange(n_c)) if rng.random() < 0.7 else ("s", 0)
        agreements.append((i, a[0], a[1], rng.randrange(args.partners),
                           datetime.date(rng.randint(2015, 2026), rng.randint(1, 12), 1).isoformat()))
    write_values(out, "INSERT INTO agreement(kind, title_sr, status, signed_on, created_at, updated_at)"
                 " SELECT 'mou', 'Споразум ' || column1, 'signed', column5, 0, 0", agreements)
    out.write("CREATE TEMP TABLE ba AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM agreement"
              " WHERE title_sr LIKE 'Споразум %';\n")
    write_values(out, "INSERT OR IGNORE INTO agreement_party(agreement_id, org_id)"
                 " SELECT (SELECT id FROM ba WHERE k = column1), CASE column2"
                 " WHEN 'c' THEN (SELECT id FROM bc WHERE k = column3)"
                 " ELSE (SELECT id FROM org WHERE kind = 'cluster_association' ORDER BY id LIMIT 1) END",
                 [(k, a, b) for k, a, b, _, _ in agreements])
    write_values(out, "INSERT OR IGNORE INTO agreement_party(agreement_id, org_id)"
                 " SELECT (SELECT id FROM ba WHERE k = column1), (SELECT id FROM bp WHERE k = column2)",
                 [(k, p) for k, _, _, p, _ in agreements])
    out.write("DELETE FROM agreement_party WHERE org_id IS NULL;\nCOMMIT;\n")
def cmd_subscribers(args):
    """SQL: --count confirmed newsletter subscribers (migration 0030),
    addresses sub<N>@bench.example (N from 1, so a sink can check each
    arrived once), languages about half Serbian Cyrillic, a quarter Latin,
    a quarter English, subscribed over the last year (bench/newsletter.sh)."""
    rng = stream(args.seed, "subscribers")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    sql_begin(out, "subscribers")
    now = 1796202000
    rows = []
    for i in range(1, args.count + 1):
        lang = weighted(rng, [("sr", 2), ("sr-Latn", 1), ("en", 1)])
        at = now - rng.randrange(365 * 86400)
        rows.append(("sub%d@bench.example" % i, lang, at, at + rng.randrange(3600)))
    write_values(out, "INSERT INTO news_subscriber(email, lang, created_at, confirmed_at) SELECT *",
                 rows, 1000)
    out.write("COMMIT;\n")
    out.flush()
    out.detach()
def cmd_calls(args):
    """SQL: --calls funding calls (issue 14) with eligibility rules over the
    codes the generated clusters use (kinds, regions, NACE divisions,
    stages, ESCA labels, sizes, a condition in words), deadlines from a
    year ago to a year ahead of the moment the SQL runs (about half open),
    17:00 in Belgrade, Brussels or London."""
    rng = stream(args.seed, "calls")
    kinds = ["cluster", "cluster_initiative", "company", "university"]
    regions = ["BG", "VO", "SZ", "JI"]
    nace = ["62", "29", "25", "10", "26", "28", "22", "13", "58", "72"]
    stages = ["emerging", "developing", "established"]
    labels = ["esca_bronze", "esca_silver", "esca_gold"]
    sizes = ["micro", "small", "medium", "large"]
    zones = ["Europe/Belgrade", "Europe/Brussels", "Europe/London"]
    out = sys.stdout
    sql_begin(out, "funding calls")
    calls, rules = [], []
    for i in range(1, args.calls + 1):
        day = rng.randint(-365, 365)
        calls.append((i, "Program %d" % rng.randint(1, 40), "Позив %d" % i, day, rng.choice(zones),
                      rng.choice([10000, 20000, 50000]) * 100,
                      rng.choice([100000, 200000, 500000]) * 100))
        picked = set()
        for _ in range(rng.randint(1, 4)):
            r = rng.random()
            if r < 0.35:
                for k in rng.sample(kinds, rng.randint(1, 2)):
                    picked.add(("kind", k))
            elif r < 0.55:
                picked.add(("region", rng.choice(regions)))
            elif r < 0.75:
                picked.add(("nace", rng.choice(nace)))
            elif r < 0.85:
                picked.add(("stage", rng.choice(stages)))
            elif r < 0.92:
                picked.add(("label", rng.choice(labels)))
            elif r < 0.97:
                picked.add(("size", rng.choice(sizes)))
            else:
                picked.add(("text", "Conditions in the call text."))
        for rule, value in sorted(picked):
            rules.append((i, rule, value))
    out.write("CREATE TEMP TABLE gen_call(id, programme, title, day, tz, gmin, gmax);\n")
    write_values(out, "INSERT INTO gen_call SELECT *", calls)
    out.write("INSERT INTO funding_call(id, programme, title_sr, deadline_at, deadline_tz,"
              " grant_min_cents, grant_max_cents, status, created_at, updated_at)"
              " SELECT id, programme, title, (CAST(strftime('%s', 'now') AS INTEGER) / 86400 + day)"
              " * 86400 + 16 * 3600, tz, gmin, gmax, 'published', 0, 0 FROM gen_call;\n")
    write_values(out, "INSERT INTO funding_call_rule(call_id, rule, value) SELECT *", rules)
    out.write("COMMIT;\n")
    return 0


def cmd_positions(args):
    """SQL: --positions advocacy positions (issue 16) owned by the
    database's clusters, with --signatures signatures of distinct
    clusters spread over them (10 to 40 a position, scaled to the total),
    at stages signing (a third), submitted, answered and closed, each with
    its first version (Serbian and English, three paragraphs). The owners
    and signers are the clusters in id order, taken by position, so the
    SQL fits any database that has clusters."""
    rng = stream(args.seed, "positions")
    stages = ["signing", "signing", "submitted", "answered", "closed", "signing"]
    kinds = ["proposal", "law_comment", "consultation_response", "statement"]
    out = sys.stdout
    sql_begin(out, "advocacy positions")
    out.write("CREATE TEMP TABLE gen_cl AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id"
              " FROM org WHERE kind IN ('cluster', 'cluster_initiative');\n")
    pos, sig = [], []
    per = max(1, args.signatures // max(1, args.positions))
    left = args.signatures
    for i in range(1, args.positions + 1):
        day = rng.randint(30, 700)
        pos.append((i, rng.choice(kinds), rng.choice(stages), rng.randint(0, 10 ** 6), day))
        k = min(left, max(1, rng.randint(per * 2 // 5, per * 8 // 5)), args.clusters)
        if i == args.positions:
            k = min(left, args.clusters)
        left -= k
        for j, c in enumerate(rng.sample(range(args.clusters), k)):
            sig.append((i, c, day - 1 - j % 20))
    out.write("CREATE TEMP TABLE gen_pos(i, kind, stage, owner, day);\n")
    write_values(out, "INSERT INTO gen_pos SELECT *", pos)
    out.write("CREATE TEMP TABLE gen_sig(i, c, day);\n")
    write_values(out, "INSERT INTO gen_sig SELECT *", sig)
    now = "CAST(strftime('%s', 'now') AS INTEGER)"
    out.write("INSERT INTO position(id, kind, owner_id, stage, version, created_at, updated_at)"
              " SELECT p.i, p.kind, c.id, p.stage, 1, %s - p.day * 86400, %s - p.day * 86400"
              " FROM gen_pos p JOIN gen_cl c ON c.n = p.owner %% (SELECT count(*) FROM gen_cl);\n"
              % (now, now))
    out.write("INSERT INTO position_version(position_id, version, title_sr, title_en, body_sr, body_en,"
              " created_at) SELECT i, 1, 'Став ' || i || ' о порезима и извозу',"
              " 'Position ' || i || ' on taxes and exports',"
              " 'Први пасус става ' || i || '.' || char(10, 10) || 'Други пасус са **предлогом**.'"
              " || char(10, 10) || 'Трећи пасус.', 'First paragraph of position ' || i || '.'"
              " || char(10, 10) || 'Second paragraph with a **proposal**.' || char(10, 10) ||"
              " 'Third paragraph.', %s - day * 86400 FROM gen_pos;\n" % now)
    out.write("INSERT INTO position_step(position_id, stage, at) SELECT i, stage, %s - day * 86400"
              " FROM gen_pos;\n" % now)
    out.write("INSERT INTO person(name, email, created_at, updated_at)"
              " VALUES ('Bench Signer', NULL, 0, 0);\n")
    out.write("INSERT INTO position_signature(position_id, org_id, signed_at, signed_by)"
              " SELECT s.i, c.id, %s - s.day * 86400, (SELECT max(id) FROM person) FROM gen_sig s"
              " JOIN gen_cl c ON c.n = s.c %% (SELECT count(*) FROM gen_cl);\n" % now)
    out.write("COMMIT;\n")
    sys.stderr.write("gen.py positions: %d positions, %d signatures\n" % (len(pos), len(sig)))
    return 0


COMMANDS = {
    "orgs": (cmd_orgs, "directory entries for `scan org import`"),
    "clusters": (cmd_clusters, "cluster entries for `scan org import`, apart from `orgs`' ones"),
    "members": (cmd_members, "SQL: cluster and SCAN memberships, stages, labels, profiles"),
    "figures": (cmd_figures, "yearly figures: SQL for org_figure, or CSV for the import"),
    "events": (cmd_events, "SQL: events with registrations, people and API tokens"),
    "assessments": (cmd_assessments, "SQL: submitted self-assessments of the database's clusters"),
    "projects": (cmd_projects, "SQL: partners, joint projects with participants, agreements"),
    "subscribers": (cmd_subscribers, "SQL: confirmed newsletter subscribers"),
    "calls": (cmd_calls, "SQL: funding calls with eligibility rules over the generated codes"),
    "positions": (cmd_positions, "SQL: advocacy positions with signatures of the database's clusters"),
}


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/gen.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    p = sub.add_parser("orgs", help=COMMANDS["orgs"][1])
    p.add_argument("--count", type=int, default=1000, help="entries (default 1000)")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    for name in ("clusters", "members", "figures"):
        p = sub.add_parser(name, help=COMMANDS[name][1])
        p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
        p.add_argument("--orgs", type=int, default=100000,
                       help="entries of `orgs` (same seed) in the database (default 100000)")
        if name == "clusters":
            p.add_argument("--count", type=int, default=1000, help="clusters (default 1000)")
            p.add_argument("--format", choices=["csv", "json"], default="csv")
            continue
        p.add_argument("--clusters", type=int, default=1000,
                       help="the --count given to `clusters` (default 1000)")
        p.add_argument("--national", type=int, default=10000,
                       help="current members of the first (national) cluster (default 10000)")
        if name == "figures":
            p.add_argument("--years", type=year_range, default=(2015, 2024),
                           help="FIRST-LAST (default 2015-2024)")
            p.add_argument("--format", choices=["sql", "csv"], default="sql")
            p.add_argument("--part", choices=["all", "rest", "national"], default="all",
                           help="whose figures: everyone's, all but the national cluster's"
                           " members', or only theirs (default all)")
    p = sub.add_parser("events", help=COMMANDS["events"][1])
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    p.add_argument("--orgs", type=int, default=100000, help="entries of `orgs` (default 100000)")
    p.add_argument("--clusters", type=int, default=1000, help="the --count of `clusters` (default 1000)")
    p.add_argument("--events", type=int, default=10000, help="events (default 10000)")
    p.add_argument("--registrations", type=int, default=300000, help="registrations (default 300000)")
    p.add_argument("--people", type=int, default=20000, help="people who register (default 20000)")
    p.add_argument("--tokens", type=int, default=200, help="people with a write token (default 200)")
    p.add_argument("--tokens-out", help="file for the tokens, one a line")
    p.add_argument("--race-capacity", type=int, default=300, help="places of event 1 (default 300)")
    p.add_argument("--race-left", type=int, default=50, help="of which free (default 50)")
    p = sub.add_parser("assessments", help=COMMANDS["assessments"][1])
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    p.add_argument("--clusters", type=int, default=1000,
                   help="clusters of the database given assessments (default 1000)")
    p.add_argument("--years", type=year_range, default=(2022, 2026),
                   help="FIRST-LAST (default 2022-2026)")
    p.add_argument("--indicators", required=True,
                   help="file of `sqlite3 DB \"SELECT id, group_code, scale, coalesce(thresholds,"
                   " '') FROM assess_indicator WHERE version_id = 1 ORDER BY id\"`")
    p = sub.add_parser("projects", help=COMMANDS["projects"][1])
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    p.add_argument("--orgs", type=int, default=100000, help="entries of `orgs` (default 100000)")
    p.add_argument("--clusters", type=int, default=1000, help="clusters in the database (default 1000)")
    p.add_argument("--partners", type=int, default=5000, help="partner entries (default 5000)")
    p.add_argument("--projects", type=int, default=20000, help="projects (default 20000)")
    p.add_argument("--participations", type=int, default=100000,
                   help="participants over all projects, about (default 100000)")
    p.add_argument("--agreements", type=int, default=2000, help="agreements (default 2000)")
    p = sub.add_parser("subscribers", help=COMMANDS["subscribers"][1])
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    p.add_argument("--count", type=int, default=100000, help="subscribers (default 100000)")
    p = sub.add_parser("calls", help=COMMANDS["calls"][1])
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    p.add_argument("--calls", type=int, default=2000, help="calls (default 2000)")
    p = sub.add_parser("positions", help=COMMANDS["positions"][1])
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    p.add_argument("--positions", type=int, default=2000, help="positions (default 2000)")
    p.add_argument("--signatures", type=int, default=50000, help="signatures (default 50000)")
    p.add_argument("--clusters", type=int, default=1000, help="clusters in the database (default 1000)")
    args = ap.parse_args(argv)
    for opt in ("count", "orgs", "clusters", "national"):
        if getattr(args, opt, 0) < 0:
            ap.error("--%s must be 0 or more" % opt)
    return COMMANDS[args.cmd][0](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
