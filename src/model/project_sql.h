/* project_sql.h: the one visibility rule of projects as SQL text, shared
 * by project.c (page, list, CSV/XLSX, profiles, portfolio, the start
 * page's waiting list) and project_network.c (/network). Internal to the
 * model.
 *
 * Two copies of the rule had grown apart (the network's had no funder
 * clause) and both let a participant that had DECLINED a private project
 * keep reading it: being named is no reason to see a project one refused.
 * One text keeps every read path under the same rule. */
#ifndef SCAN_PROJECT_SQL_H
#define SCAN_PROJECT_SQL_H

/* Whether the viewer ($1 a person, 0 for the public; $2 1 for the
 * secretariat) may read project P: a public project, everyone; a project
 * for its participants, the secretariat and the people (any current
 * affiliation) of a participant that has not declined, or of the funder
 * while it has not declined. A participant that declined is an outsider
 * again (404), as is a funder that declined. */
#define PROJECT_VISIBLE(P)                                                                         \
    "(" P ".visibility = 'public' OR $2 = 1 OR EXISTS (SELECT 1 FROM project_participant vp"       \
    " JOIN affiliation va ON va.org_id = vp.org_id WHERE vp.project_id = " P ".id"                 \
    " AND vp.consent <> 'declined' AND va.person_id = $1 AND va.ended_at IS NULL)"                 \
    " OR (" P ".funder_consent <> 'declined' AND EXISTS (SELECT 1 FROM affiliation vf"             \
    " WHERE vf.org_id = " P ".funder_id AND vf.person_id = $1 AND vf.ended_at IS NULL)))"

#endif
