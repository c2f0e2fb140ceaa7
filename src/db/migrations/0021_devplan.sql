-- 0021_devplan.sql: development plans, mentoring and the support log
-- (issue 15, "Development plans and mentoring").
--
-- A cluster's (or initiative's) development plan is goals, each linked to
-- the benchmarking groups it improves (the six codes shared with the
-- self-assessment), with actions (an owner, a deadline, a status) and a
-- yearly review. Mentoring pairs a cluster being helped (an initiative or
-- a developing cluster) with an established one; both teams record the
-- meetings. The support log is what SCAN did for each cluster. Dates are
-- 'YYYY-MM-DD' (Belgrade); times UTC seconds. Every change is audited by
-- its writer (tx_write).
CREATE TABLE devplan_goal (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX devplan_goal_org ON devplan_goal(org_id);

-- The benchmarking groups a goal improves (one row each).
CREATE TABLE devplan_goal_group (
    goal_id INTEGER NOT NULL REFERENCES devplan_goal(id) ON DELETE CASCADE,
    grp TEXT NOT NULL CHECK (grp IN ('structure', 'governance', 'financing', 'services',
                                     'interaction', 'recognition')),
    PRIMARY KEY (goal_id, grp)
) STRICT;

-- An action: owner is a person of the cluster's team or a free text.
CREATE TABLE devplan_action (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES devplan_goal(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    owner_person_id INTEGER REFERENCES person(id),
    owner_text TEXT,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    done_on TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX devplan_action_goal ON devplan_action(goal_id);
CREATE INDEX devplan_action_open ON devplan_action(status, deadline);

-- The yearly review: one text per cluster and year, dated, by whom.
CREATE TABLE devplan_review (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    body TEXT NOT NULL,
    reviewed_on TEXT NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    UNIQUE (org_id, year)
) STRICT;

-- A mentoring pair: mentee (an initiative or a developing cluster) and
-- mentor (an established cluster), from started_on until ended_on.
CREATE TABLE mentoring (
    id INTEGER PRIMARY KEY,
    mentee_id INTEGER NOT NULL REFERENCES org(id),
    mentor_id INTEGER NOT NULL REFERENCES org(id),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    end_note TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK (mentee_id <> mentor_id),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
) STRICT;
CREATE INDEX mentoring_mentee ON mentoring(mentee_id);
CREATE INDEX mentoring_mentor ON mentoring(mentor_id);

CREATE TABLE mentoring_meeting (
    id INTEGER PRIMARY KEY,
    mentoring_id INTEGER NOT NULL REFERENCES mentoring(id) ON DELETE CASCADE,
    met_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    next_steps TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX mentoring_meeting_pair ON mentoring_meeting(mentoring_id, met_on);

-- What SCAN did for a cluster. source names where an entry came from when
-- another module wrote it ('event:12' for a training attended), NULL when
-- the secretariat typed it; one entry per source and cluster.
CREATE TABLE support_entry (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    given_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('consultation', 'training', 'introduction', 'other')),
    note TEXT NOT NULL,
    link TEXT,
    source TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    UNIQUE (org_id, source)
) STRICT;
CREATE INDEX support_entry_date ON support_entry(given_on);
