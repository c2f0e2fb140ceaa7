-- 0064_check_lists.sql: CHECK constraints name their values one by one
-- (col = 'a' OR col = 'b' ...) instead of col IN ('a', 'b', 'c').
--
-- SQLite evaluates a CHECK's IN list of three or more constants by
-- building a temporary b-tree of the values, and builds it again for
-- every statement that inserts or updates the row: a page cache of its
-- own (an 87 KB allocation), a page zeroed and three to six inserts, for
-- one lookup. An import of 10,000 directory entries made 10,000 of them
-- for org.status alone, and more for the revision rows' action: 17% of
-- the writer's instructions there (callgrind, 2,303 M -> 1,897 M). The
-- same holds for every web or API write of these tables. The meaning is
-- the same: a NULL passes either way (NULL OR NULL is NULL) and any other
-- value outside the list fails.
--
-- A CHECK changes nothing stored, so the tables are not rebuilt: SQLite's
-- documented procedure for such a change (https://sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes") edits the CREATE TABLE text
-- in sqlite_schema with writable_schema on, reloads the schema, and bumps
-- the schema version (here by a table created and dropped) so that other
-- connections reload theirs. PostgreSQL plans IN lists without a
-- temporary table: nothing there (0064_check_lists.pg.sql).
-- tests/unit/test_db.c checks that no table's INSERT builds one.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'lang IN (''en'', ''sr-Latn'', ''sr-Cyrl'')',
    'lang = ''en'' OR lang = ''sr-Latn'' OR lang = ''sr-Cyrl''')
WHERE type = 'table' AND name = 'person';
UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''draft'', ''published'', ''archived'')',
    'status = ''draft'' OR status = ''published'' OR status = ''archived''')
WHERE type = 'table' AND name = 'org';
UPDATE sqlite_schema SET sql = replace(sql,
    'role IN (''member'', ''founding_member'', ''board'')',
    'role = ''member'' OR role = ''founding_member'' OR role = ''board''')
WHERE type = 'table' AND name = 'cluster_member';
UPDATE sqlite_schema SET sql = replace(sql,
    'content_type IN (''image/png'', ''image/jpeg'', ''image/svg+xml'')',
    'content_type = ''image/png'' OR content_type = ''image/jpeg'' OR content_type = ''image/svg+xml''')
WHERE type = 'table' AND name = 'org_logo';
UPDATE sqlite_schema SET sql = replace(sql,
    'action IN (''create'', ''update'', ''restore'', ''archive'', ''publish'', ''import'')',
    'action = ''create'' OR action = ''update'' OR action = ''restore'' OR action = ''archive'' OR action = ''publish'' OR action = ''import''')
WHERE type = 'table' AND name = 'org_revision';
UPDATE sqlite_schema SET sql = replace(sql,
    'stage IN (''initiative'', ''emerging'', ''developing'', ''established'')',
    'stage = ''initiative'' OR stage = ''emerging'' OR stage = ''developing'' OR stage = ''established''')
WHERE type = 'table' AND name = 'cluster_stage';
UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''applied'', ''member'', ''founder'', ''suspended'', ''left'')',
    'status = ''applied'' OR status = ''member'' OR status = ''founder'' OR status = ''suspended'' OR status = ''left''')
WHERE type = 'table' AND name = 'scan_membership';
UPDATE sqlite_schema SET sql = replace(sql,
    'label IN (''esca_bronze'', ''esca_silver'', ''esca_gold'', ''other'')',
    'label = ''esca_bronze'' OR label = ''esca_silver'' OR label = ''esca_gold'' OR label = ''other''')
WHERE type = 'table' AND name = 'cluster_label';
UPDATE sqlite_schema SET sql = replace(sql,
    'source IN (''self_reported'', ''business_register'', ''estimate'')',
    'source = ''self_reported'' OR source = ''business_register'' OR source = ''estimate''')
WHERE type = 'table' AND name = 'org_figure';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'role IN (''member'', ''founding_member'', ''board'')',
    'role = ''member'' OR role = ''founding_member'' OR role = ''board'''),
    'status IN (''pending'', ''accepted'', ''declined'', ''withdrawn'')',
    'status = ''pending'' OR status = ''accepted'' OR status = ''declined'' OR status = ''withdrawn''')
WHERE type = 'table' AND name = 'cluster_member_proposal';
UPDATE sqlite_schema SET sql = replace(sql,
    'state IN (''proposed'', ''accepted'', ''declined'')',
    'state = ''proposed'' OR state = ''accepted'' OR state = ''declined''')
WHERE type = 'table' AND name = 'org_proposal';
UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
    'topic IN (''technology'', ''supply_chain'', ''project_partner'',
                                         ''tender'', ''export'', ''training'', ''other'')',
    'topic = ''technology'' OR topic = ''supply_chain'' OR topic = ''project_partner'' OR topic = ''tender'' OR topic = ''export'' OR topic = ''training'' OR topic = ''other'''),
    'lang IN (''sr-Cyrl'', ''sr-Latn'', ''en'')',
    'lang = ''sr-Cyrl'' OR lang = ''sr-Latn'' OR lang = ''en'''),
    'status IN (''open'', ''closed'', ''hidden'')',
    'status = ''open'' OR status = ''closed'' OR status = ''hidden''')
WHERE type = 'table' AND name = 'post';
UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''pending'', ''accepted'', ''declined'')',
    'status = ''pending'' OR status = ''accepted'' OR status = ''declined''')
WHERE type = 'table' AND name = 'post_interest';
UPDATE sqlite_schema SET sql = replace(sql,
    'channel IN (''immediate'', ''weekly'', ''never'')',
    'channel = ''immediate'' OR channel = ''weekly'' OR channel = ''never''')
WHERE type = 'table' AND name = 'notify_pref';
UPDATE sqlite_schema SET sql = replace(sql,
    'channel IN (''immediate'', ''weekly'', ''never'')',
    'channel = ''immediate'' OR channel = ''weekly'' OR channel = ''never''')
WHERE type = 'table' AND name = 'notify_event';
UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
    'kind IN (''training'', ''workshop'', ''conference'', ''b2b'', ''study_visit'')',
    'kind = ''training'' OR kind = ''workshop'' OR kind = ''conference'' OR kind = ''b2b'' OR kind = ''study_visit'''),
    'language IN (''sr'', ''en'', ''sr_en'')',
    'language = ''sr'' OR language = ''en'' OR language = ''sr_en'''),
    'audience IN (''managers'', ''members'', ''everyone'')',
    'audience = ''managers'' OR audience = ''members'' OR audience = ''everyone''')
WHERE type = 'table' AND name = 'event';
UPDATE sqlite_schema SET sql = replace(sql,
    'state IN (''confirmed'', ''waiting'', ''cancelled'')',
    'state = ''confirmed'' OR state = ''waiting'' OR state = ''cancelled''')
WHERE type = 'table' AND name = 'event_registration';
UPDATE sqlite_schema SET sql = replace(sql,
    'criterion IN (''team_fte'', ''website_en'', ''strategy'',
                                                 ''fee_scheme'', ''services'', ''legal_entity'')',
    'criterion = ''team_fte'' OR criterion = ''website_en'' OR criterion = ''strategy'' OR criterion = ''fee_scheme'' OR criterion = ''services'' OR criterion = ''legal_entity''')
WHERE type = 'table' AND name = 'readiness_answer';
UPDATE sqlite_schema SET sql = replace(sql,
    'code IN (''structure'', ''governance'', ''financing'', ''services'',
                                          ''interaction'', ''recognition'')',
    'code = ''structure'' OR code = ''governance'' OR code = ''financing'' OR code = ''services'' OR code = ''interaction'' OR code = ''recognition''')
WHERE type = 'table' AND name = 'assess_group';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'scale IN (''level'', ''yesno'', ''number'')',
    'scale = ''level'' OR scale = ''yesno'' OR scale = ''number'''),
    'unit IN (''count'', ''percent'', ''fte'')',
    'unit = ''count'' OR unit = ''percent'' OR unit = ''fte''')
WHERE type = 'table' AND name = 'assess_indicator';
UPDATE sqlite_schema SET sql = replace(sql,
    'stage IN (''initiative'', ''emerging'', ''developing'', ''established'')',
    'stage = ''initiative'' OR stage = ''emerging'' OR stage = ''developing'' OR stage = ''established''')
WHERE type = 'table' AND name = 'assess_response';
UPDATE sqlite_schema SET sql = replace(sql,
    'grp IN (''structure'', ''governance'', ''financing'', ''services'',
                                     ''interaction'', ''recognition'')',
    'grp = ''structure'' OR grp = ''governance'' OR grp = ''financing'' OR grp = ''services'' OR grp = ''interaction'' OR grp = ''recognition''')
WHERE type = 'table' AND name = 'devplan_goal_group';
UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''planned'', ''in_progress'', ''done'', ''dropped'')',
    'status = ''planned'' OR status = ''in_progress'' OR status = ''done'' OR status = ''dropped''')
WHERE type = 'table' AND name = 'devplan_action';
UPDATE sqlite_schema SET sql = replace(sql,
    'kind IN (''consultation'', ''training'', ''introduction'', ''other'')',
    'kind = ''consultation'' OR kind = ''training'' OR kind = ''introduction'' OR kind = ''other''')
WHERE type = 'table' AND name = 'support_entry';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'kind IN (''mou'', ''cooperation'', ''grant'', ''network'')',
    'kind = ''mou'' OR kind = ''cooperation'' OR kind = ''grant'' OR kind = ''network'''),
    'status IN (''draft'', ''signed'', ''expired'', ''terminated'')',
    'status = ''draft'' OR status = ''signed'' OR status = ''expired'' OR status = ''terminated''')
WHERE type = 'table' AND name = 'agreement';
UPDATE sqlite_schema SET sql = replace(sql,
    'consent IN (''proposed'', ''confirmed'', ''declined'')',
    'consent = ''proposed'' OR consent = ''confirmed'' OR consent = ''declined''')
WHERE type = 'table' AND name = 'agreement_party';
UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''draft'', ''published'', ''withdrawn'')',
    'status = ''draft'' OR status = ''published'' OR status = ''withdrawn''')
WHERE type = 'table' AND name = 'funding_call';
UPDATE sqlite_schema SET sql = replace(sql,
    'rule IN (''kind'', ''size'', ''country'', ''nace'', ''fos'', ''region'', ''district'',
                                       ''stage'', ''label'', ''text'')',
    'rule = ''kind'' OR rule = ''size'' OR rule = ''country'' OR rule = ''nace'' OR rule = ''fos'' OR rule = ''region'' OR rule = ''district'' OR rule = ''stage'' OR rule = ''label'' OR rule = ''text''')
WHERE type = 'table' AND name = 'funding_call_rule';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'status IN (''idea'', ''preparation'', ''submitted'', ''approved'', ''rejected'',
                                           ''running'', ''closed'')',
    'status = ''idea'' OR status = ''preparation'' OR status = ''submitted'' OR status = ''approved'' OR status = ''rejected'' OR status = ''running'' OR status = ''closed'''),
    'funder_consent IN (''proposed'', ''confirmed'', ''declined'')',
    'funder_consent = ''proposed'' OR funder_consent = ''confirmed'' OR funder_consent = ''declined''')
WHERE type = 'table' AND name = 'project';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'role IN (''lead'', ''partner'', ''associate'')',
    'role = ''lead'' OR role = ''partner'' OR role = ''associate'''),
    'consent IN (''proposed'', ''confirmed'', ''declined'')',
    'consent = ''proposed'' OR consent = ''confirmed'' OR consent = ''declined''')
WHERE type = 'table' AND name = 'project_participant';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'kind IN (''proposal'', ''law_comment'', ''consultation_response'', ''statement'')',
    'kind = ''proposal'' OR kind = ''law_comment'' OR kind = ''consultation_response'' OR kind = ''statement'''),
    'stage IN (''draft'', ''consultation'', ''signing'', ''submitted'',
                                                         ''answered'', ''closed'')',
    'stage = ''draft'' OR stage = ''consultation'' OR stage = ''signing'' OR stage = ''submitted'' OR stage = ''answered'' OR stage = ''closed''')
WHERE type = 'table' AND name = 'position';
UPDATE sqlite_schema SET sql = replace(sql,
    'channel IN (''email'', ''post'', ''portal'', ''meeting'', ''other'')',
    'channel = ''email'' OR channel = ''post'' OR channel = ''portal'' OR channel = ''meeting'' OR channel = ''other''')
WHERE type = 'table' AND name = 'position_submission';
UPDATE sqlite_schema SET sql = replace(sql,
    'outcome IN (''accepted'', ''partly'', ''rejected'', ''no_answer'')',
    'outcome = ''accepted'' OR outcome = ''partly'' OR outcome = ''rejected'' OR outcome = ''no_answer''')
WHERE type = 'table' AND name = 'position_outcome';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'topic IN (''cluster'', ''funding'', ''event'', ''policy'', ''success'', ''other'')',
    'topic = ''cluster'' OR topic = ''funding'' OR topic = ''event'' OR topic = ''policy'' OR topic = ''success'' OR topic = ''other'''),
    'status IN (''draft'', ''published'', ''withdrawn'')',
    'status = ''draft'' OR status = ''published'' OR status = ''withdrawn''')
WHERE type = 'table' AND name = 'news';
UPDATE sqlite_schema SET sql = replace(sql,
    'lang IN (''sr'', ''sr-Latn'', ''en'')',
    'lang = ''sr'' OR lang = ''sr-Latn'' OR lang = ''en''')
WHERE type = 'table' AND name = 'news_subscriber';
UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''draft'', ''sending'', ''sent'')',
    'status = ''draft'' OR status = ''sending'' OR status = ''sent''')
WHERE type = 'table' AND name = 'newsletter_issue';
PRAGMA writable_schema = RESET;
CREATE TABLE schema_bump_0064 (x INTEGER);
DROP TABLE schema_bump_0064;
