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

Later subcommands (clusters, members, figures) build on the same tables;
add them to COMMANDS. Standard library only.
"""

import argparse
import csv
import io
import json
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


COMMANDS = {
    "orgs": (cmd_orgs, "directory entries for `scan org import`"),
}


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/gen.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    p = sub.add_parser("orgs", help=COMMANDS["orgs"][1])
    p.add_argument("--count", type=int, default=1000, help="entries (default 1000)")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="random seed")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be 0 or more")
    return COMMANDS[args.cmd][0](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
