-- 0020_assessment.sql: the yearly self-assessment against peers (issue 15,
-- "Self-assessment against peers"): the questionnaire as data, answers and
-- the submitted results.
--
-- The questionnaire is versioned: assess_version says from which year a
-- version applies; its indicators (assess_indicator, about 36, six per
-- benchmarking group) carry their wording in English, Serbian Cyrillic and
-- Serbian Latin (the Latin written here by transliteration, but stored),
-- an answer scale and, where the platform can tell, the name of the
-- computation that fills it (model/assess.c knows the names). Next year's
-- questionnaire is a new version row with its indicators, inserted by the
-- secretariat without a release: an assessment keeps the version it was
-- started under (assess_response.version_id), and every answer names its
-- version too.
--
-- Scales: 'level' 0..4 with the version's labelled levels (assess_level);
-- 'yesno' 0/1 counted as level 0 or 4; 'number' a count, percent or FTE
-- (thousandths) whose level is how many of the four ascending thresholds
-- it reaches. Scores (model/assess.h): a group's score is the mean level
-- of its indicators on 0..4 scaled to 0..100, the overall score the mean of
-- the group scores; stored in tenths of a point when submitted, with the
-- cluster's stage at that time, so peers' percentiles read one row per
-- cluster.
CREATE TABLE assess_version (
    id INTEGER PRIMARY KEY,
    year_from INTEGER NOT NULL UNIQUE CHECK (year_from BETWEEN 2000 AND 2100),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE assess_group (
    code TEXT PRIMARY KEY CHECK (code IN ('structure', 'governance', 'financing', 'services',
                                          'interaction', 'recognition')),
    position INTEGER NOT NULL,
    name_en TEXT NOT NULL,
    name_sr TEXT NOT NULL,
    name_sr_latn TEXT NOT NULL
) STRICT;

CREATE TABLE assess_level (
    version_id INTEGER NOT NULL REFERENCES assess_version(id),
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,
    label_sr_latn TEXT NOT NULL,
    PRIMARY KEY (version_id, level)
) STRICT;

CREATE TABLE assess_indicator (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES assess_version(id),
    group_code TEXT NOT NULL REFERENCES assess_group(code),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    text_en TEXT NOT NULL,
    text_sr TEXT NOT NULL,
    text_sr_latn TEXT NOT NULL,
    scale TEXT NOT NULL CHECK (scale IN ('level', 'yesno', 'number')),
    thresholds TEXT CHECK ((scale = 'number') = (thresholds IS NOT NULL)), -- 't1,t2,t3,t4'
    unit TEXT CHECK (unit IN ('count', 'percent', 'fte')),                  -- numbers only
    max_value INTEGER NOT NULL DEFAULT 100000,                            -- numbers only
    computed TEXT,  -- the platform's computation that fills it; NULL: answered
    UNIQUE (version_id, code)
) STRICT;
CREATE INDEX assess_indicator_version ON assess_indicator(version_id, position);

-- One cluster's assessment of one year: draft until submitted; submitted
-- ones count for peers. Scores are tenths of a point (0..1000).
CREATE TABLE assess_response (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version_id INTEGER NOT NULL REFERENCES assess_version(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    stage TEXT CHECK (stage IN ('initiative', 'emerging', 'developing', 'established')),
    score INTEGER CHECK (score BETWEEN 0 AND 1000),
    score_structure INTEGER, score_governance INTEGER, score_financing INTEGER,
    score_services INTEGER, score_interaction INTEGER, score_recognition INTEGER,
    submitted_at INTEGER,
    submitted_by INTEGER REFERENCES person(id),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK ((status = 'submitted') = (score IS NOT NULL)),
    UNIQUE (org_id, year)
) STRICT;
CREATE INDEX assess_response_peers ON assess_response(year, status, stage, score);

CREATE TABLE assess_answer (
    id INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES assess_response(id),
    org_id INTEGER NOT NULL REFERENCES org(id),
    year INTEGER NOT NULL,
    version_id INTEGER NOT NULL REFERENCES assess_version(id),
    indicator_id INTEGER NOT NULL REFERENCES assess_indicator(id),
    value INTEGER NOT NULL CHECK (value >= 0),
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    source TEXT NOT NULL CHECK (source IN ('answered', 'computed')),
    evidence TEXT CHECK (evidence IS NULL OR length(evidence) <= 1000),
    answered_by INTEGER REFERENCES person(id),
    answered_at INTEGER NOT NULL,
    UNIQUE (response_id, indicator_id)
) STRICT;
CREATE INDEX assess_answer_indicator ON assess_answer(indicator_id, level);

INSERT INTO assess_group(code, position, name_en, name_sr, name_sr_latn) VALUES
    ('structure', 1, 'Structure of the cluster', 'Структура кластера', 'Struktura klastera'),
    ('governance', 2, 'Management and governance', 'Управљање и руковођење', 'Upravljanje i rukovođenje'),
    ('financing', 3, 'Financing of the cluster management', 'Финансирање управљања кластером', 'Finansiranje upravljanja klasterom'),
    ('services', 4, 'Services', 'Услуге', 'Usluge'),
    ('interaction', 5, 'Contacts and interaction within the cluster', 'Контакти и сарадња унутар кластера', 'Kontakti i saradnja unutar klastera'),
    ('recognition', 6, 'Achievements and recognition', 'Постигнућа и препознатљивост', 'Postignuća i prepoznatljivost');

-- The first questionnaire (written in 2026), applying from the year 2025
-- on, so the assessments made in 2026 of 2025 use it too.
INSERT INTO assess_version(id, year_from, name, created_at) VALUES
    (1, 2025, 'SCAN self-assessment 2026', 0);
INSERT INTO assess_level(version_id, level, label_en, label_sr, label_sr_latn) VALUES
    (1, 0, 'Not in place', 'Не постоји', 'Ne postoji'),
    (1, 1, 'First steps', 'Први кораци', 'Prvi koraci'),
    (1, 2, 'Partly in place', 'Делимично', 'Delimično'),
    (1, 3, 'Largely in place', 'Већим делом', 'Većim delom'),
    (1, 4, 'Fully in place and reviewed', 'Потпуно, уз редовну проверу', 'Potpuno, uz redovnu proveru');
INSERT INTO assess_indicator(version_id, group_code, code, position, text_en, text_sr, text_sr_latn, scale, thresholds, unit, max_value, computed) VALUES
    (1, 'structure', 'members_count', 1, 'Current member organisations', 'Садашње чланице кластера (број организација)', 'Sadašnje članice klastera (broj organizacija)', 'number', '5,15,30,60', 'count', 100000, 'members_count'),
    (1, 'structure', 'member_types', 2, 'Different types of member (companies, universities, public bodies, ...)', 'Различите врсте чланица (предузећа, факултети, јавна тела...)', 'Različite vrste članica (preduzeća, fakulteti, javna tela...)', 'number', '1,2,3,4', 'count', 100000, 'member_types'),
    (1, 'structure', 'sme_share', 3, 'Share of members that are small and medium companies (from reported employees)', 'Удео малих и средњих предузећа међу чланицама (према пријављеном броју запослених)', 'Udeo malih i srednjih preduzeća među članicama (prema prijavljenom broju zaposlenih)', 'number', '20,40,60,80', 'percent', 100, 'sme_share'),
    (1, 'structure', 'research_members', 4, 'Universities, research institutes and technology centres among the members', 'Факултети, научни институти и технолошки центри међу чланицама', 'Fakulteti, naučni instituti i tehnološki centri među članicama', 'number', '1,2,3,5', 'count', 100000, 'research_members'),
    (1, 'structure', 'public_partner', 5, 'A public body or a chamber is among the members', 'Јавно тело или комора је међу чланицама', 'Javno telo ili komora je među članicama', 'yesno', NULL, NULL, 100000, 'public_partner'),
    (1, 'structure', 'member_focus', 6, 'Members share a clearly defined sector or value chain', 'Чланице деле јасно одређен сектор или ланац вредности', 'Članice dele jasno određen sektor ili lanac vrednosti', 'level', NULL, NULL, 100000, NULL),
    (1, 'governance', 'team_fte', 7, 'Cluster management team, in full-time equivalents', 'Тим за управљање кластером, у еквивалентима пуног радног времена', 'Tim za upravljanje klasterom, u ekvivalentima punog radnog vremena', 'number', '500,1000,2000,3000', 'fte', 50000, 'team_fte'),
    (1, 'governance', 'legal_entity', 8, 'The cluster is a registered legal entity', 'Кластер је регистровано правно лице', 'Klaster je registrovano pravno lice', 'yesno', NULL, NULL, 100000, NULL),
    (1, 'governance', 'strategy', 9, 'A written strategy with goals and a yearly plan of work', 'Писана стратегија са циљевима и годишњим планом рада', 'Pisana strategija sa ciljevima i godišnjim planom rada', 'level', NULL, NULL, 100000, NULL),
    (1, 'governance', 'member_decisions', 10, 'Members decide through a board or assembly that meets regularly', 'Чланице одлучују кроз управни одбор или скупштину који се редовно састају', 'Članice odlučuju kroz upravni odbor ili skupštinu koji se redovno sastaju', 'level', NULL, NULL, 100000, NULL),
    (1, 'governance', 'figures_reported', 11, 'Share of members whose figures for the year are reported on SCAN', 'Удео чланица чији су подаци за годину пријављени на СКАН-у', 'Udeo članica čiji su podaci za godinu prijavljeni na SKAN-u', 'number', '25,50,75,90', 'percent', 100, 'figures_reported'),
    (1, 'governance', 'monitoring', 12, 'Progress against the strategy is measured and reported to members every year', 'Напредак у односу на стратегију мери се и сваке године приказује чланицама', 'Napredak u odnosu na strategiju meri se i svake godine prikazuje članicama', 'level', NULL, NULL, 100000, NULL),
    (1, 'financing', 'fee_scheme', 13, 'Members pay a membership fee under a written scheme', 'Чланице плаћају чланарину по писаним правилима', 'Članice plaćaju članarinu po pisanim pravilima', 'yesno', NULL, NULL, 100000, NULL),
    (1, 'financing', 'member_funding_share', 14, 'Share of the management''s budget paid by members (fees and paid services)', 'Удео буџета управљања који плаћају чланице (чланарине и плаћене услуге)', 'Udeo budžeta upravljanja koji plaćaju članice (članarine i plaćene usluge)', 'number', '10,25,40,60', 'percent', 100, NULL),
    (1, 'financing', 'funding_sources', 15, 'Sources of funding in the year (fees, services, public programmes, projects, sponsors)', 'Извори финансирања у години (чланарине, услуге, јавни програми, пројекти, спонзори)', 'Izvori finansiranja u godini (članarine, usluge, javni programi, projekti, sponzori)', 'number', '1,2,3,4', 'count', 100000, NULL),
    (1, 'financing', 'budget_plan', 16, 'A yearly budget is planned and the accounts are shown to members', 'Годишњи буџет се планира, а рачуни се приказују чланицама', 'Godišnji budžet se planira, a računi se prikazuju članicama', 'level', NULL, NULL, 100000, NULL),
    (1, 'financing', 'projects', 17, 'Funded projects the cluster ran or took part in during the year', 'Финансирани пројекти које је кластер водио или у њима учествовао током године', 'Finansirani projekti koje je klaster vodio ili u njima učestvovao tokom godine', 'number', '1,2,3,5', 'count', 100000, NULL),
    (1, 'financing', 'financial_outlook', 18, 'The management is financed for the next two years', 'Управљање кластером је финансирано за наредне две године', 'Upravljanje klasterom je finansirano za naredne dve godine', 'level', NULL, NULL, 100000, NULL),
    (1, 'services', 'events_held', 19, 'Events, trainings and meetings the cluster organised in the year (SCAN''s events)', 'Догађаји, обуке и скупови које је кластер организовао у години (догађаји на СКАН-у)', 'Događaji, obuke i skupovi koje je klaster organizovao u godini (događaji na SKAN-u)', 'number', '1,2,4,6', 'count', 100000, 'events_held'),
    (1, 'services', 'service_offer', 20, 'A defined set of services for members (information, training, matchmaking, export)', 'Одређен скуп услуга за чланице (информације, обуке, повезивање, извоз)', 'Određen skup usluga za članice (informacije, obuke, povezivanje, izvoz)', 'level', NULL, NULL, 100000, NULL),
    (1, 'services', 'event_participants', 21, 'Confirmed registrations of members'' people for events in the year (on SCAN)', 'Потврђене пријаве људи из чланица за догађаје у години (на СКАН-у)', 'Potvrđene prijave ljudi iz članica za događaje u godini (na SKAN-u)', 'number', '1,5,10,20', 'count', 100000, 'event_participants'),
    (1, 'services', 'internationalisation', 22, 'Support for members entering foreign markets and international partnerships', 'Подршка чланицама за изласке на страна тржишта и међународна партнерства', 'Podrška članicama za izlaske na strana tržišta i međunarodna partnerstva', 'level', NULL, NULL, 100000, NULL),
    (1, 'services', 'member_feedback', 23, 'Members are asked every year how satisfied they are, and the answers are acted on', 'Чланице се сваке године питају колико су задовољне, и по одговорима се поступа', 'Članice se svake godine pitaju koliko su zadovoljne, i po odgovorima se postupa', 'level', NULL, NULL, 100000, NULL),
    (1, 'services', 'innovation_support', 24, 'Support for innovation: access to research, technology transfer, joint development', 'Подршка иновацијама: приступ истраживањима, трансфер технологије, заједнички развој', 'Podrška inovacijama: pristup istraživanjima, transfer tehnologije, zajednički razvoj', 'level', NULL, NULL, 100000, NULL),
    (1, 'interaction', 'coop_posts', 25, 'Cooperation offers and requests the cluster and its members published on SCAN in the year', 'Понуде и захтеви за сарадњу које су кластер и чланице објавили на СКАН-у у години', 'Ponude i zahtevi za saradnju koje su klaster i članice objavili na SKAN-u u godini', 'number', '1,3,6,10', 'count', 100000, 'coop_posts'),
    (1, 'interaction', 'introductions', 26, 'Introductions on SCAN''s cooperation board in the year that involve the members', 'Упознавања преко берзе сарадње на СКАН-у у години у којима учествују чланице', 'Upoznavanja preko berze saradnje na SKAN-u u godini u kojima učestvuju članice', 'number', '1,2,4,8', 'count', 100000, 'introductions'),
    (1, 'interaction', 'member_meetings', 27, 'Meetings where members meet each other in the year (working groups, member days)', 'Састанци на којима се чланице међусобно сусрећу у години (радне групе, дани чланица)', 'Sastanci na kojima se članice međusobno susreću u godini (radne grupe, dani članica)', 'number', '2,4,8,12', 'count', 100000, NULL),
    (1, 'interaction', 'joint_projects', 28, 'Projects or offers members carried out together in the year', 'Пројекти или понуде које су чланице заједно реализовале у години', 'Projekti ili ponude koje su članice zajedno realizovale u godini', 'number', '1,2,4,6', 'count', 100000, NULL),
    (1, 'interaction', 'member_information', 29, 'Members are informed regularly (newsletter, website, members'' area)', 'Чланице се редовно обавештавају (билтен, веб-сајт, простор за чланице)', 'Članice se redovno obaveštavaju (bilten, veb-sajt, prostor za članice)', 'level', NULL, NULL, 100000, NULL),
    (1, 'interaction', 'external_partners', 30, 'Cooperation agreements with other clusters, networks or partners abroad', 'Споразуми о сарадњи са другим кластерима, мрежама или партнерима у иностранству', 'Sporazumi o saradnji sa drugim klasterima, mrežama ili partnerima u inostranstvu', 'number', '1,2,4,6', 'count', 100000, NULL),
    (1, 'recognition', 'website_en', 31, 'An English website shows the cluster''s current activity', 'Веб-сајт на енглеском приказује актуелне активности кластера', 'Veb-sajt na engleskom prikazuje aktuelne aktivnosti klastera', 'yesno', NULL, NULL, 100000, NULL),
    (1, 'recognition', 'new_members', 32, 'Organisations that joined the cluster in the year', 'Организације које су се придружиле кластеру у години', 'Organizacije koje su se pridružile klasteru u godini', 'number', '1,2,4,8', 'count', 100000, 'new_members'),
    (1, 'recognition', 'media_mentions', 33, 'Mentions of the cluster in media and publications in the year', 'Помињања кластера у медијима и публикацијама у години', 'Pominjanja klastera u medijima i publikacijama u godini', 'number', '1,3,6,12', 'count', 100000, NULL),
    (1, 'recognition', 'recognition_received', 34, 'Recognition received: awards, labels, invitations to speak for the sector', 'Добијена признања: награде, ознаке, позиви да говори у име сектора', 'Dobijena priznanja: nagrade, oznake, pozivi da govori u ime sektora', 'level', NULL, NULL, 100000, NULL),
    (1, 'recognition', 'success_stories', 35, 'Documented results for members (success stories with figures)', 'Документовани резултати за чланице (примери успеха са подацима)', 'Dokumentovani rezultati za članice (primeri uspeha sa podacima)', 'number', '1,2,3,5', 'count', 100000, NULL),
    (1, 'recognition', 'policy_voice', 36, 'Public bodies consult the cluster on policy for its sector', 'Јавна тела консултују кластер о политици за његов сектор', 'Javna tela konsultuju klaster o politici za njegov sektor', 'level', NULL, NULL, 100000, NULL);
