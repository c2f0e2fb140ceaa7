// permissions.test.mjs: the role matrix of every state-changing route.
//
// `scan routes` lists the route table; every route whose method is not GET
// must have a row in MATRIX below saying, for each role, whether it may
// use the route. A route missing from the matrix fails the test, so a new
// write route cannot ship without deciding who may call it. Each (route,
// role) pair is sent as that role (a fresh session, a valid CSRF token, our
// own Origin, a plausible body) and must be allowed (neither 401 nor 403)
// or refused (401 for the public where a login is needed, 403 otherwise).
//
// Fixture: cluster C with member company M, another cluster D, a partner
// institution P; people: admin, editor, the manager of C, the
// representative of M, the representative of P, and disposable accounts
// the admin routes act on. Object-level cases follow the matrix.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, scan, scanIn, sqliteIn } from './lib.mjs';

const ROLES = ['public', 'member_rep', 'partner', 'cluster_manager', 'editor', 'admin'];
const PASSWORD = {
  member_rep: 'member rep pass phrase',
  partner: 'partner pass phrase 77',
  cluster_manager: 'cluster manager phrase',
  editor: 'editor pass phrase 2026',
  admin: 'admin pass phrase 2026',
  cluster_rep: 'cluster rep pass phrase', // not in ROLES: the representative of C itself
  no_org: 'no org pass phrase 2026', // not in ROLES: an account that speaks for nobody
};
const EMAIL = {
  member_rep: 'rep.m@example.com',
  partner: 'rep.p@example.com',
  cluster_manager: 'manager.c@example.com',
  editor: 'editor@example.com',
  admin: 'boss@example.com',
  cluster_rep: 'rep.c@example.com',
  no_org: 'nobody@example.com',
};
const VICTIM_PW = 'victim pass phrase 2026';

// Who may do what: [public, member_rep, partner, cluster_manager, editor, admin].
const row = (...allowed) => Object.fromEntries(ROLES.map((r, i) => [r, allowed[i]]));
const EVERYONE = row(true, true, true, true, true, true);
const LOGGED_IN = row(false, true, true, true, true, true);
const ADMIN_ONLY = row(false, false, false, false, false, true);
const SECRETARIAT = row(false, false, false, false, true, true); // RIGHT_ORG_CREATE
const EDIT_C = row(false, false, false, true, true, true); // RIGHT_ORG_EDIT on C
const MATRIX = {
  'POST /login': EVERYONE,
  'POST /logout': LOGGED_IN,
  'POST /logout-everywhere': LOGGED_IN,
  'POST /account/password': LOGGED_IN,
  'POST /account/tokens': LOGGED_IN,
  'POST /account/tokens/{id}/revoke': LOGGED_IN,
  'POST /invite': row(false, false, false, true, false, true),
  'POST /invite/accept': EVERYONE,
  'POST /password/forgot': EVERYONE,
  'POST /password/reset': EVERYONE,
  'POST /admin/users/{id}/role': ADMIN_ONLY,
  'POST /admin/users/{id}/disable': ADMIN_ONLY,
  'POST /admin/people/{id}/erase': ADMIN_ONLY,
  // the directory (web_org_edit.c, api_org.c), acting on cluster C
  'POST /orgs': SECRETARIAT,
  'POST /orgs/{slug}': EDIT_C,
  'POST /orgs/{slug}/restore': EDIT_C,
  'POST /orgs/{slug}/archive': EDIT_C,
  'POST /orgs/{slug}/publish': EDIT_C,
  'POST /orgs/{slug}/delete': ADMIN_ONLY,
  // proposed entries (web_org_proposal.c): a cluster manager proposes; the
  // secretariat decides (a proposal of entry proposed-x)
  'POST /orgs/propose': row(false, false, false, true, false, false),
  'POST /orgs/{slug}/proposal/accept': SECRETARIAT,
  'POST /orgs/{slug}/proposal/decline': SECRETARIAT,
  'POST /api/v1/orgs': SECRETARIAT,
  'PATCH /api/v1/orgs/{slug}': EDIT_C,
  'POST /api/v1/orgs/{slug}/archive': EDIT_C,
  // clusters and figures (web_cluster.c, web_figures.c): members and the
  // profile of cluster C, figures of its member M, verification
  'POST /orgs/{slug}/members': EDIT_C, // RIGHT_MEMBERS_EDIT on C
  'POST /orgs/{slug}/members/{id}/end': EDIT_C,
  'POST /orgs/{slug}/cluster': EDIT_C, // RIGHT_ORG_EDIT on C
  'POST /orgs/{slug}/labels/{id}/verify': SECRETARIAT, // RIGHT_FIGURES_VERIFY: labels are claims until then
  'POST /orgs/{slug}/team': EDIT_C, // RIGHT_ORG_EDIT on C
  'POST /orgs/{slug}/team/{id}/end': EDIT_C,
  'POST /orgs/{slug}/team/accept': LOGGED_IN, // one's own invitation (404 without one)
  'POST /orgs/{slug}/figures': row(false, true, false, true, true, true), // RIGHT_FIGURES_EDIT on M
  'POST /orgs/{slug}/figures/import': EDIT_C, // RIGHT_FIGURES_EDIT on C
  'POST /figures/{id}/verify': SECRETARIAT, // RIGHT_FIGURES_VERIFY
  'POST /figures/verify': SECRETARIAT, // the queue: RIGHT_FIGURES_VERIFY
  // memberships by consent (web_membership.c): a proposal of cluster D for M
  'POST /orgs/{slug}/members/proposals/{id}/withdraw': EDIT_C, // RIGHT_MEMBERS_EDIT on C
  'POST /memberships/{id}/accept': row(false, true, false, false, false, false), // RIGHT_MEMBERSHIP_DECIDE on M: M has a representative, so only M decides
  'POST /memberships/{id}/decline': row(false, true, false, false, false, false),
  // events (web_event.c): an event organised by cluster C; who may edit an
  // entry organises its events (RIGHT_ORG_EDIT on C)
  'POST /events': EDIT_C,
  'POST /events/{id}': EDIT_C,
  'POST /events/{id}/register': LOGGED_IN,
  'POST /events/{id}/cancel': LOGGED_IN, // one's own registration (409 without one)
  'POST /events/{id}/attendance': EDIT_C, // the organiser, after the start (409 before)
  'POST /api/v1/events/{id}/registrations': LOGGED_IN, // oneself (201, then 409 already)
  'DELETE /api/v1/events/{id}/registrations/{person}': LOGGED_IN, // one's own (404 without one)
  // development plans, mentoring, support log (web_devplan.c, web_mentoring.c,
  // web_support.c): C's plan is its team's and the secretariat's
  // (RIGHT_ORG_EDIT on C); a pairing with C as mentee is seen and recorded by
  // both teams and the secretariat; pairing and the support log are admin pages
  'POST /orgs/{slug}/plan/goals': EDIT_C,
  'POST /orgs/{slug}/plan/goals/{id}': EDIT_C,
  'POST /orgs/{slug}/plan/goals/{id}/actions': EDIT_C,
  'POST /orgs/{slug}/plan/actions/{id}': EDIT_C,
  'POST /orgs/{slug}/plan/review': EDIT_C,
  // joint projects (web_project.c, api_project.c): RIGHT_PROJECT_EDIT on the
  // lead, cluster C (a new project led by C; the project led by C)
  'POST /projects': EDIT_C,
  'POST /projects/{id}': EDIT_C,
  'POST /api/v1/projects': EDIT_C,
  'PUT /api/v1/projects/{id}': EDIT_C,
  // consent (0035): who speaks for partner P (its representative) or the
  // secretariat answers for P on a project or agreement naming it
  'POST /projects/{id}/consent': row(false, false, true, false, true, true),
  'POST /agreements/{id}/consent': row(false, false, true, false, true, true),
  'POST /api/v1/projects/{id}/consent': row(false, false, true, false, true, true),
  'POST /api/v1/agreements/{id}/consent': row(false, false, true, false, true, true),
  'POST /mentoring/{id}/meetings': EDIT_C,
  'POST /admin/mentoring': ADMIN_ONLY,
  'POST /admin/mentoring/{id}/end': ADMIN_ONLY,
  'POST /admin/support': ADMIN_ONLY,
  // advocacy (web_position_timeline.c, web_consultation.c, web_stakeholder.c,
  // api_advocacy.c): a submitted position owned by C is recorded by C's
  // managers and the secretariat (RIGHT_ADVOCACY_RECORD on C); the
  // consultations tracker and meetings with institutions are the
  // secretariat's (RIGHT_ADVOCACY_MANAGE)
  'POST /positions/{id}/submissions': EDIT_C,
  'POST /positions/{id}/answers': EDIT_C,
  'POST /positions/{id}/meetings': EDIT_C,
  'POST /consultations': SECRETARIAT,
  'POST /consultations/{id}': SECRETARIAT,
  'POST /orgs/{slug}/meetings': SECRETARIAT,
  'POST /api/v1/consultations': SECRETARIAT,
  'PATCH /api/v1/consultations/{id}': SECRETARIAT,
  'POST /api/v1/positions/{id}/submissions': EDIT_C,
  'POST /api/v1/positions/{id}/submissions/{sid}/outcome': EDIT_C,
  // advocacy positions (web_position.c), owned by C, which is in SCAN:
  // C's manager and the secretariat write them (RIGHT_POSITION_WRITE);
  // SCAN clusters' people comment (M's representative too, P's not); only
  // C's manager signs for C: no secretariat role signs for anyone
  'POST /positions': EDIT_C,
  'POST /positions/{id}': EDIT_C,
  'POST /positions/{id}/versions': EDIT_C,
  'POST /positions/{id}/stage': EDIT_C,
  'POST /api/v1/positions': EDIT_C,
  'PATCH /api/v1/positions/{id}': EDIT_C,
  'POST /api/v1/positions/{id}/versions': EDIT_C,
  'POST /api/v1/positions/{id}/stage': EDIT_C,
  'POST /positions/{id}/comments': row(false, true, false, true, true, true),
  'POST /positions/{id}/sign': row(false, false, false, true, false, false),
  'POST /positions/{id}/withdraw': row(false, false, false, true, false, false),
  'POST /api/v1/positions/{id}/signatures': row(false, false, false, true, false, false),
  'POST /api/v1/positions/{id}/withdraw': row(false, false, false, true, false, false),
  // notifications (web_notify.c): everyone's own settings only
  'POST /account/notifications': LOGGED_IN,
  'POST /account/notifications/topics': LOGGED_IN,
  'POST /account/notifications/topics/{id}/delete': LOGGED_IN, // someone else's id: 404
  'POST /account/notifications/follows': LOGGED_IN,
  'POST /account/notifications/follows/{id}/delete': LOGGED_IN,
  'PUT /api/v1/me/notifications': LOGGED_IN,
  'POST /u/{token}': EVERYONE, // one-click unsubscribe: the token is the credential (404 for a made-up one)
  // the cooperation board (web_post.c, api_post.c): a post of member M;
  // RIGHT_POST_WRITE on M is its representative's (and an admin's, who
  // has no organisation to choose in the form), hiding the secretariat's
  'POST /cooperation': row(false, true, false, false, false, false),
  'POST /cooperation/{id}': row(false, true, false, false, false, true),
  'POST /cooperation/{id}/close': row(false, true, false, false, false, true),
  'POST /cooperation/{id}/hide': SECRETARIAT, // RIGHT_POST_HIDE
  'POST /cooperation/{id}/report': LOGGED_IN,
  'POST /cooperation/save': LOGGED_IN, // one's own saved search
  'POST /api/v1/posts': row(false, true, false, false, false, true),
  'PATCH /api/v1/posts/{id}': row(false, true, false, false, false, true),
  'POST /api/v1/posts/{id}/close': row(false, true, false, false, false, true),
  // introductions: anyone logged in but M's own writers asks; M's own
  // side decides (RIGHT_INTEREST_DECIDE): the secretariat never accepts
  // for the author (that reveals contacts without the author's consent)
  'POST /cooperation/{id}/interest': row(false, false, true, true, true, false),
  'POST /cooperation/interest/{id}/accept': row(false, true, false, false, false, false),
  'POST /cooperation/interest/{id}/decline': row(false, true, false, false, false, false),
  // an accepted introduction's thread (P asked, M accepted): its two sides
  // only; the secretariat reads it but does not write (403)
  'POST /cooperation/{id}/interest/{iid}/messages': row(false, true, true, false, false, false),
  // the self-assessment (web_assess.c, api_assess.c): cluster C's, answered
  // by its team and the secretariat (RIGHT_ORG_EDIT on C)
  'POST /orgs/{slug}/assessment/{year}': EDIT_C,
  'PUT /api/v1/clusters/{slug}/assessments/{year}': EDIT_C,
  // cluster initiatives (web_initiative.c, api_initiative.c): anyone logged
  // in starts one; the readiness answers of C are its team's and the
  // secretariat's (RIGHT_ORG_EDIT on C)
  'POST /initiatives': LOGGED_IN,
  'POST /api/v1/initiatives': LOGGED_IN,
  'POST /orgs/{slug}/readiness': EDIT_C,
  // agreements (web_agreement.c, api_agreement.c): a signed agreement
  // between C and partner P; RIGHT_AGREEMENT_EDIT is the secretariat's and
  // C's manager's, never a partner's representative's
  'POST /agreements': EDIT_C,
  'POST /agreements/{id}': EDIT_C,
  'POST /agreements/{id}/delete': EDIT_C,
  'POST /agreements/{id}/file': EDIT_C,
  'POST /api/v1/agreements': EDIT_C,
  'PATCH /api/v1/agreements/{id}': EDIT_C,
  // news and the newsletter (web_news.c, web_newsletter.c): news of C by
  // its manager and the secretariat (RIGHT_NEWS_WRITE); the newsletter's
  // issues by the secretariat (RIGHT_NEWSLETTER); subscribing is public
  'POST /news': EDIT_C,
  'POST /news/{id}': EDIT_C,
  'POST /news/{id}/withdraw': EDIT_C,
  'POST /newsletter/subscribe': EVERYONE,
  'POST /newsletter/confirm/{token}': EVERYONE,
  'POST /newsletter/u/{token}': EVERYONE,
  'POST /account/newsletter': LOGGED_IN,
  'POST /admin/newsletter': SECRETARIAT,
  'POST /admin/newsletter/{id}/send': SECRETARIAT,
  // funding calls (web_call.c, api_call.c): the secretariat enters them
  // (RIGHT_CALL_EDIT); anyone logged in follows one
  'POST /calls': SECRETARIAT,
  'POST /calls/import': SECRETARIAT,
  'POST /calls/{id}': SECRETARIAT,
  'POST /calls/{id}/withdraw': SECRETARIAT,
  'POST /calls/{id}/follow': LOGGED_IN,
  'POST /api/v1/calls': SECRETARIAT,
  'PUT /api/v1/calls/{id}': SECRETARIAT,
  // news API (issue 17 fixes): as the pages, cluster C's news by its manager
  // and the secretariat
  'POST /api/v1/news': EDIT_C,
  'PUT /api/v1/news/{id}': EDIT_C,
};

// Write routes without the CSRF check, each with its reason: the RFC 8058
// one-click POST comes from the mail provider with no cookie and no Origin
// of ours; the single-use token in the path is the credential.
const CSRF_EXEMPT = new Set(['POST /u/{token}', 'POST /newsletter/u/{token}']);

let dir;
let db;
let srv;
const ids = {}; // org slug -> id; email -> {person, account}
let victims = 0;
let invitees = 0;

function sqlite(sql) {
  return sqliteIn(db, sql);
}

function cli(args, input) {
  return scanIn(db, args, input);
}

function addUser(email, name, password, extra = []) {
  cli(['user', 'add', email, '--name', name, '--password-stdin', ...extra], `${password}\n`);
  const [person, account] = sqlite(
    `SELECT p.id, a.id FROM person p JOIN account a ON a.person_id = p.id WHERE p.email = '${email}'`).split('|');
  ids[email] = { person: Number(person), account: Number(account) };
}

// A disposable account for the admin routes to act on (made before the
// server starts, one per request that may change it).
const victimPool = [];
function victim() {
  const v = victimPool.shift();
  assert.ok(v, 'enough disposable accounts');
  return v;
}

class Agent {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
  }

  async req(method, path, form, json) {
    const headers = {};
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (json !== undefined) {
      body = JSON.stringify(json);
      headers['Content-Type'] = 'application/json';
      if (this.csrf) headers['X-CSRF-Token'] = this.csrf;
    } else if (form) {
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    if (method !== 'GET') headers.Origin = this.base;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie()) {
      const pair = sc.split(';')[0];
      const i = pair.indexOf('=');
      if (/Max-Age=0/i.test(sc)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location'),
      setCookie: res.headers.getSetCookie().length > 0 };
  }

  // POST with this session's CSRF token (none for the public).
  post(path, form = {}) {
    return this.req('POST', path, this.csrf ? { ...form, _csrf: this.csrf } : form);
  }

  // The request BODIES describes: a form with _csrf, or JSON with the
  // X-CSRF-Token header.
  send({ method = 'POST', path, form = {}, json }) {
    if (json !== undefined) return this.req(method, path, undefined, json);
    return this.req(method, path, this.csrf ? { ...form, _csrf: this.csrf } : form);
  }
}

async function as(role) {
  const a = new Agent(srv.url);
  if (role === 'public') return a;
  const r = await a.req('POST', '/login', { email: EMAIL[role], password: PASSWORD[role] });
  assert.equal(r.status, 303, `login as ${role}: ${r.status}`);
  const page = await a.req('GET', '/account');
  assert.equal(page.status, 200);
  a.csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)[1];
  return a;
}

// An event of cluster C that any of the roles may register for.
const EVENT_FORM = {
  kind: 'workshop', organiser: 'cluster-c', title_sr: 'Радионица', starts_at: '2099-05-04T10:00',
  ends_at: '2099-05-04T12:00', place: 'Нови Сад', language: 'sr', audience: 'everyone', capacity: '50',
};

// A plausible request for each route: the path with its {id} filled and a
// body that would succeed for someone allowed.
const BODIES = {
  'POST /login': () => ({ path: '/login', form: { email: EMAIL.editor, password: PASSWORD.editor } }),
  'POST /logout': () => ({ path: '/logout' }),
  'POST /logout-everywhere': () => ({ path: '/logout-everywhere' }),
  'POST /account/password': (role) => ({ path: '/account/password',
    form: { current_password: PASSWORD[role] || 'x', new_password: PASSWORD[role] || 'x', new_password2: PASSWORD[role] || 'x' } }),
  'POST /account/tokens': () => ({ path: '/account/tokens', form: { name: 'matrix', scope: 'read' } }),
  'POST /account/tokens/{id}/revoke': () => ({ path: '/account/tokens/999999/revoke' }),
  'POST /invite': () => ({ path: '/invite',
    form: { name: 'Matrix Invitee', email: `invitee${++invitees}@example.com`, org: String(ids['cluster-c']), role: 'representative' } }),
  'POST /invite/accept': () => ({ path: '/invite/accept', form: { t: 'A'.repeat(43), password: VICTIM_PW, password2: VICTIM_PW } }),
  'POST /password/forgot': () => ({ path: '/password/forgot', form: { email: 'nobody@example.com' } }),
  'POST /password/reset': () => ({ path: '/password/reset', form: { t: 'A'.repeat(43), password: VICTIM_PW, password2: VICTIM_PW } }),
  'POST /admin/users/{id}/role': () => ({ path: `/admin/users/${victim().account}/role`, form: { role: 'none' } }),
  'POST /admin/users/{id}/disable': () => ({ path: `/admin/users/${victim().account}/disable`, form: { disabled: '0' } }),
  'POST /admin/people/{id}/erase': () => ({ path: `/admin/people/${victim().person}/erase`, form: { confirm: 'yes' } }),
  'POST /orgs': () => ({ path: '/orgs', form: { name: 'Matrix New Entry', kind: 'company' } }),
  'POST /orgs/{slug}': () => ({ path: '/orgs/cluster-c', form: { name: 'Cluster C', kind: 'cluster', slug: 'cluster-c' } }),
  'POST /orgs/{slug}/restore': () => ({ path: '/orgs/cluster-c/restore', form: { rev: '1' } }),
  'POST /orgs/{slug}/archive': () => ({ path: '/orgs/cluster-c/archive' }),
  'POST /orgs/{slug}/publish': () => ({ path: '/orgs/cluster-c/publish' }),
  'POST /orgs/{slug}/delete': () => ({ path: '/orgs/cluster-c/delete', form: { confirm: 'not-the-slug' } }),
  'POST /orgs/propose': () => ({ path: '/orgs/propose', form: { name: `Matrix Proposal ${++invitees}`, kind: 'company' } }),
  'POST /orgs/{slug}/proposal/accept': () => ({ path: '/orgs/proposed-x/proposal/accept' }),
  'POST /orgs/{slug}/proposal/decline': () => ({ path: '/orgs/proposed-x/proposal/decline', form: { reason: 'Matrix' } }),
  'POST /api/v1/orgs': () => ({ path: '/api/v1/orgs', json: {} }),
  'PATCH /api/v1/orgs/{slug}': () => ({ method: 'PATCH', path: '/api/v1/orgs/cluster-c', json: {} }),
  'POST /api/v1/orgs/{slug}/archive': () => ({ path: '/api/v1/orgs/cluster-c/archive', json: {} }),
  // an unknown organisation: allowed roles get 422 and nothing changes
  'POST /orgs/{slug}/members': () => ({ path: '/orgs/cluster-c/members',
    form: { org: 'no-such-org', role: 'member', joined_on: '2024-01-01' } }),
  // no such membership: allowed roles get 404
  'POST /orgs/{slug}/members/{id}/end': () => ({ path: '/orgs/cluster-c/members/999999/end', form: { left_on: '2024-06-30', confirm: '1' } }),
  'POST /orgs/{slug}/cluster': () => ({ path: '/orgs/cluster-c/cluster', form: { vision: 'Matrix vision' } }),
  // no such claimed label: allowed roles get 404
  'POST /orgs/{slug}/labels/{id}/verify': () => ({ path: '/orgs/cluster-c/labels/999999/verify', form: { reference: 'ESCA-1' } }),
  // an address without an account: allowed roles invite it (303), the
  // same answer as for an address with one
  'POST /orgs/{slug}/team': () => ({ path: '/orgs/cluster-c/team',
    form: { email: 'nobody@example.com', role: 'Manager', fte: '0.5', since: '2024-01-01' } }),
  'POST /orgs/{slug}/team/accept': () => ({ path: '/orgs/cluster-c/team/accept' }),
  // no such team member: allowed roles get 404
  'POST /orgs/{slug}/team/{id}/end': () => ({ path: '/orgs/cluster-c/team/999999/end', form: { until: '2024-06-30' } }),
  'POST /orgs/{slug}/figures': () => ({ path: '/orgs/member-m/figures',
    form: { year: '2023', employees: '10', currency: 'EUR', source: 'self_reported' } }),
  // a dry run of a one-row file
  'POST /orgs/{slug}/figures/import': () => ({ path: '/orgs/cluster-c/figures/import',
    form: { csv: 'slug,year,employees,revenue,exports,rnd,currency,source\r\nmember-m,2023,10,,,,EUR,self_reported\r\n' } }),
  'POST /figures/{id}/verify': () => ({ path: '/figures/999999/verify', form: { verified: '1' } }),
  // no such row: allowed roles get 422 with nothing verified
  'POST /figures/verify': () => ({ path: '/figures/verify', form: { id: '999999', scope: 'selected' } }),
  // no such proposal of C: allowed roles get 404
  'POST /orgs/{slug}/members/proposals/{id}/withdraw': () => ({ path: '/orgs/cluster-c/members/proposals/999999/withdraw' }),
  // the first allowed role accepts; the others find it decided (409)
  'POST /memberships/{id}/accept': () => ({ path: `/memberships/${ids.proposal}/accept` }),
  'POST /memberships/{id}/decline': () => ({ path: `/memberships/${ids.proposal}/decline`, form: { reason: 'Matrix' } }),
  'POST /events': () => ({ path: '/events', form: EVENT_FORM }),
  'POST /events/{id}': () => ({ path: `/events/${ids.event}`, form: EVENT_FORM }),
  'POST /events/{id}/register': () => ({ path: `/events/${ids.event}/register` }),
  'POST /events/{id}/cancel': () => ({ path: `/events/${ids.event}/cancel` }),
  'POST /events/{id}/attendance': () => ({ path: `/events/${ids.event}/attendance`, form: { attended: '1' } }),
  'POST /api/v1/events/{id}/registrations': () => ({ path: `/api/v1/events/${ids.event}/registrations`, json: {} }),
  'DELETE /api/v1/events/{id}/registrations/{person}': () => ({ method: 'DELETE', path: `/api/v1/events/${ids.event}/registrations/me` }),
  // bodies the model refuses (422): allowed roles change nothing
  'POST /orgs/{slug}/plan/goals': () => ({ path: '/orgs/cluster-c/plan/goals', form: { title: '', groups: 'services' } }),
  'POST /orgs/{slug}/plan/goals/{id}': () => ({ path: `/orgs/cluster-c/plan/goals/${ids.goal}`, form: { title: '' } }),
  'POST /orgs/{slug}/plan/goals/{id}/actions': () => ({ path: `/orgs/cluster-c/plan/goals/${ids.goal}/actions`, form: { title: '', status: 'planned' } }),
  'POST /orgs/{slug}/plan/actions/{id}': () => ({ path: `/orgs/cluster-c/plan/actions/${ids.action}`, form: { title: '' } }),
  'POST /orgs/{slug}/plan/review': () => ({ path: '/orgs/cluster-c/plan/review', form: { year: '2025', body: '' } }),
  'POST /mentoring/{id}/meetings': () => ({ path: `/mentoring/${ids.mentoring}/meetings`, form: { met_on: '2026-01-10', notes: '' } }),
  'POST /admin/mentoring': () => ({ path: '/admin/mentoring', form: { mentee: 'cluster-c', mentor: '' } }),
  'POST /admin/mentoring/{id}/end': () => ({ path: `/admin/mentoring/${ids.mentoring}/end`, form: { ended_on: 'soon' } }),
  'POST /admin/support': () => ({ path: '/admin/support', form: { org: 'cluster-c', given_on: '2026-01-10', kind: 'other', note: '' } }),
  'POST /positions/{id}/submissions': () => ({ path: `/positions/${ids.position}/submissions`, form: { institution: 'partner-p', sent_on: 'soon', channel: 'email' } }),
  'POST /positions/{id}/answers': () => ({ path: `/positions/${ids.position}/answers`, form: { submission: '999999', outcome: 'accepted', answered_on: '2026-01-10' } }),
  'POST /positions/{id}/meetings': () => ({ path: `/positions/${ids.position}/meetings`, form: { met_on: '2026-01-10', attendees: '', topics: '' } }),
  'POST /consultations': () => ({ path: '/consultations', form: { title_sr: 'Матрица', deadline_on: 'soon' } }),
  'POST /consultations/{id}': () => ({ path: `/consultations/${ids.consultation}`, form: { title_sr: '', deadline_on: '2026-01-10' } }),
  'POST /orgs/{slug}/meetings': () => ({ path: '/orgs/partner-p/meetings', form: { met_on: 'soon', attendees: '', topics: '' } }),
  'POST /api/v1/consultations': () => ({ path: '/api/v1/consultations', json: { title_sr: '' } }),
  'PATCH /api/v1/consultations/{id}': () => ({ method: 'PATCH', path: `/api/v1/consultations/${ids.consultation}`, json: { deadline_on: 'soon' } }),
  'POST /api/v1/positions/{id}/submissions': () => ({ path: `/api/v1/positions/${ids.position}/submissions`, json: { institution: 'partner-p' } }),
  'POST /api/v1/positions/{id}/submissions/{sid}/outcome': () => ({ path: `/api/v1/positions/${ids.position}/submissions/999999/outcome`, json: { outcome: 'accepted', answered_on: '2026-01-10' } }),
  // positions: bodies the model refuses (422) for the allowed, except the
  // signature, which C's manager gives and then withdraws
  'POST /positions': () => ({ path: '/positions', form: { owner: 'cluster-c', kind: 'proposal', title_sr: '' } }),
  'POST /positions/{id}': () => ({ path: `/positions/${ids.posDraft}`, form: { kind: 'proposal', title_sr: '' } }),
  'POST /positions/{id}/versions': () => ({ path: `/positions/${ids.posDraft}/versions`, form: { kind: 'proposal', title_sr: '' } }),
  'POST /positions/{id}/stage': () => ({ path: `/positions/${ids.posDraft}/stage`, form: { stage: 'bogus' } }),
  'POST /api/v1/positions': () => ({ path: '/api/v1/positions', json: { owner: 'cluster-c', kind: 'proposal', title_sr: '' } }),
  'PATCH /api/v1/positions/{id}': () => ({ method: 'PATCH', path: `/api/v1/positions/${ids.posDraft}`, json: { title_sr: '' } }),
  'POST /api/v1/positions/{id}/versions': () => ({ path: `/api/v1/positions/${ids.posDraft}/versions`, json: { title_sr: '' } }),
  'POST /api/v1/positions/{id}/stage': () => ({ path: `/api/v1/positions/${ids.posDraft}/stage`, json: { stage: 'bogus' } }),
  'POST /positions/{id}/comments': () => ({ path: `/positions/${ids.posConsult}/comments`, form: { paragraph: '99', body: 'Matrix' } }),
  'POST /positions/{id}/sign': () => ({ path: `/positions/${ids.posSigning}/sign`, form: { org: String(ids['cluster-c']) } }),
  'POST /positions/{id}/withdraw': () => ({ path: `/positions/${ids.posSigning}/withdraw`, form: { org: String(ids['cluster-c']) } }),
  'POST /api/v1/positions/{id}/signatures': () => ({ path: `/api/v1/positions/${ids.posSigning}/signatures`, json: { org_id: ids['cluster-c'] } }),
  'POST /api/v1/positions/{id}/withdraw': () => ({ path: `/api/v1/positions/${ids.posSigning}/withdraw`, json: { org_id: ids['cluster-c'] } }),
  'POST /account/notifications': () => ({ path: '/account/notifications', form: { digest: 'weekly' } }),
  'POST /account/notifications/topics': () => ({ path: '/account/notifications/topics', form: { page: '/orgs', query: `q=matrix${++invitees}` } }),
  'POST /account/notifications/topics/{id}/delete': () => ({ path: '/account/notifications/topics/999999/delete' }),
  'POST /account/notifications/follows': () => ({ path: '/account/notifications/follows', form: { cluster: 'no-such-cluster' } }),
  'POST /account/notifications/follows/{id}/delete': () => ({ path: `/account/notifications/follows/${ids['cluster-d']}/delete` }),
  'PUT /api/v1/me/notifications': () => ({ method: 'PUT', path: '/api/v1/me/notifications', json: { settings: { digest: 'weekly' } } }),
  'POST /u/{token}': () => ({ path: `/u/${'A'.repeat(43)}`, form: { 'List-Unsubscribe': 'One-Click' } }),
  // bodies the model refuses (422): allowed roles change nothing
  'POST /cooperation': () => ({ path: '/cooperation', form: { org: String(ids['member-m']), kind: 'offer', title: '' } }),
  'POST /cooperation/{id}': () => ({ path: `/cooperation/${ids.post}`, form: { kind: 'offer', title: '' } }),
  'POST /cooperation/{id}/close': () => ({ path: `/cooperation/${ids.post}/close`, form: { reason: 'bogus' } }),
  'POST /cooperation/{id}/hide': () => ({ path: `/cooperation/${ids.post}/hide`, form: { reason: '' } }),
  'POST /cooperation/save': () => ({ path: '/cooperation/save?kind=offer&sector=26' }),
  'POST /cooperation/{id}/report': () => ({ path: `/cooperation/${ids.post}/report`, form: { reason: 'x'.repeat(600) } }),
  'POST /api/v1/posts': () => ({ path: '/api/v1/posts', json: { org_id: ids['member-m'] } }),
  // bodies the model refuses (422): allowed roles store nothing
  'POST /initiatives': () => ({ path: '/initiatives', form: { name: '' } }),
  'POST /api/v1/initiatives': () => ({ path: '/api/v1/initiatives', json: { name: '' } }),
  'POST /orgs/{slug}/readiness': () => ({ path: '/orgs/cluster-c/readiness', form: { criterion: 'fee_scheme', met: 'maybe' } }),
  'PATCH /api/v1/posts/{id}': () => ({ method: 'PATCH', path: `/api/v1/posts/${ids.post}`, json: { title: '' } }),
  'POST /api/v1/posts/{id}/close': () => ({ path: `/api/v1/posts/${ids.post}/close`, json: { reason: 'bogus' } }),
  // an empty message: allowed roles get 422, nothing stored
  'POST /cooperation/{id}/interest': () => ({ path: `/cooperation/${ids.post}/interest`, form: { message: '' } }),
  // the first allowed role decides; the others find it decided (409)
  'POST /cooperation/interest/{id}/accept': () => ({ path: `/cooperation/interest/${ids.interest}/accept` }),
  'POST /cooperation/interest/{id}/decline': () => ({ path: `/cooperation/interest/${ids.interest2}/decline` }),
  // an empty reply: the two sides get 422, nothing stored
  'POST /cooperation/{id}/interest/{iid}/messages': () => ({ path: `/cooperation/${ids.post}/interest/${ids.thread}/messages`, form: { message: '' } }),
  // an answer outside its scale: allowed roles get 422, nothing stored
  'POST /orgs/{slug}/assessment/{year}': () => ({ path: '/orgs/cluster-c/assessment/2026', form: { strategy: '9', action: 'draft' } }),
  'PUT /api/v1/clusters/{slug}/assessments/{year}': () => ({ method: 'PUT', path: '/api/v1/clusters/cluster-c/assessments/2026', json: { answers: { strategy: 9 } } }),
  // bodies the model refuses (422: no title, no file) or a signed
  // agreement that is not deleted (409): allowed roles change nothing
  'POST /agreements': () => ({ path: '/agreements', form: { kind: 'mou', title_sr: '', status: 'draft', party1: 'cluster-c', party2: 'partner-p' } }),
  'POST /agreements/{id}': () => ({ path: `/agreements/${ids.agreement}`, form: { kind: 'mou', title_sr: '', status: 'signed', party1: 'cluster-c', party2: 'partner-p' } }),
  'POST /agreements/{id}/delete': () => ({ path: `/agreements/${ids.agreement}/delete` }),
  // P confirmed both already: those who speak for P get 409, nothing changes
  'POST /agreements/{id}/consent': () => ({ path: `/agreements/${ids.agreement}/consent`, form: { org: String(ids['partner-p']), decision: 'decline' } }),
  'POST /projects/{id}/consent': () => ({ path: `/projects/${ids.project}/consent`, form: { org: String(ids['partner-p']), decision: 'decline' } }),
  'POST /api/v1/agreements/{id}/consent': () => ({ path: `/api/v1/agreements/${ids.agreement}/consent`, json: { org: ids['partner-p'], decision: 'decline' } }),
  'POST /api/v1/projects/{id}/consent': () => ({ path: `/api/v1/projects/${ids.project}/consent`, json: { org: 'partner-p', decision: 'decline', as: 'participant' } }),
  'POST /agreements/{id}/file': () => ({ path: `/agreements/${ids.agreement}/file`, form: { file: 'not a pdf' } }),
  'POST /api/v1/agreements': () => ({ path: '/api/v1/agreements', json: { kind: 'mou', title_sr: '', parties: ['cluster-c', 'partner-p'] } }),
  'PATCH /api/v1/agreements/{id}': () => ({ method: 'PATCH', path: `/api/v1/agreements/${ids.agreement}`, json: { title_sr: '' } }),
  // a project led by C with no title: allowed roles get 422, nothing stored
  'POST /projects': () => ({ path: '/projects', form: { title_sr: '', status: 'idea', p_org: 'cluster-c', p_role: 'lead' } }),
  'POST /projects/{id}': () => ({ path: `/projects/${ids.project}`, form: { title_sr: '', status: 'idea', p_org: 'cluster-c', p_role: 'lead' } }),
  'POST /api/v1/projects': () => ({ path: '/api/v1/projects', json: { title_sr: '', status: 'idea', participants: [{ org: 'cluster-c', role: 'lead' }] } }),
  'PUT /api/v1/projects/{id}': () => ({ method: 'PUT', path: `/api/v1/projects/${ids.project}`, json: { title_sr: '', status: 'idea', participants: [{ org: 'cluster-c', role: 'lead' }] } }),
  // news of C with an empty title: allowed roles get 422, nothing stored
  'POST /news': () => ({ path: '/news', form: { org: 'cluster-c', title_sr: '', topic: 'cluster', status: 'draft' } }),
  'POST /news/{id}': () => ({ path: `/news/${ids.news}`, form: { title_sr: '', topic: 'cluster', status: 'draft' } }),
  'POST /news/{id}/withdraw': () => ({ path: `/news/${ids.news}/withdraw`, form: { reason: '' } }),
  'POST /newsletter/subscribe': () => ({ path: '/newsletter/subscribe', form: { email: 'not an address' } }),
  'POST /newsletter/confirm/{token}': () => ({ path: `/newsletter/confirm/${'A'.repeat(43)}` }),
  'POST /newsletter/u/{token}': () => ({ path: `/newsletter/u/${'A'.repeat(43)}`, form: { 'List-Unsubscribe': 'One-Click' } }),
  'POST /account/newsletter': () => ({ path: '/account/newsletter', form: { newsletter: 'bogus' } }),
  'POST /admin/newsletter': () => ({ path: '/admin/newsletter', form: { subject_sr: '' } }),
  'POST /admin/newsletter/{id}/send': () => ({ path: '/admin/newsletter/999999/send' }),
  // funding calls: a deadline before the opening: allowed roles get 422,
  // nothing stored; a CSV with a bad row the same; following is allowed
  'POST /calls': () => ({ path: '/calls', form: { programme: 'P', title_sr: 'Т', opens_on: '2099-02-01', deadline_date: '2099-01-01', deadline_time: '17:00' } }),
  'POST /calls/import': () => ({ path: '/calls/import', form: { csv: 'programme,title_sr\nP,' } }),
  'POST /calls/{id}': () => ({ path: `/calls/${ids.call}`, form: { programme: '', title_sr: 'Т' } }),
  'POST /calls/{id}/withdraw': () => ({ path: `/calls/${ids.call}/withdraw` }),
  'POST /calls/{id}/follow': () => ({ path: `/calls/${ids.call}/follow`, form: { follow: '1' } }),
  'POST /api/v1/calls': () => ({ path: '/api/v1/calls', json: { programme: '' } }),
  'PUT /api/v1/calls/{id}': () => ({ method: 'PUT', path: `/api/v1/calls/${ids.call}`, json: { programme: '' } }),
  'POST /api/v1/news': () => ({ path: '/api/v1/news', json: { cluster: 'cluster-c', title_sr: '', topic: 'cluster' } }),
  'PUT /api/v1/news/{id}': () => ({ method: 'PUT', path: `/api/v1/news/${ids.news}`, json: { title_sr: '', topic: 'cluster' } }),
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scan-perm-'));
  db = join(dir, 'scan.db');
  cli(['init']);
  sqlite(`INSERT INTO org(slug, name, kind, status, created_at, updated_at, name_folded) VALUES
    ('cluster-c', 'Cluster C', 'cluster', 'published', 0, 0, 'cluster c'),
    ('member-m', 'Member M', 'company', 'published', 0, 0, 'member m'),
    ('cluster-d', 'Cluster D', 'cluster', 'published', 0, 0, 'cluster d'),
    ('partner-p', 'Partner P', 'university', 'published', 0, 0, 'partner p'),
    ('proposed-x', 'Proposed X', 'company', 'draft', 0, 0, 'proposed x');
    INSERT INTO org_proposal(org_id, proposed_at) SELECT id, 0 FROM org WHERE slug = 'proposed-x';
    INSERT INTO cluster_member(cluster_id, org_id, joined_on)
      SELECT c.id, m.id, '2020-01-01' FROM org c, org m WHERE c.slug = 'cluster-c' AND m.slug = 'member-m';`);
  for (const line of sqlite('SELECT slug, id FROM org').split('\n')) {
    const [slug, id] = line.split('|');
    ids[slug] = Number(id);
  }
  ids.post = Number(sqlite(`INSERT INTO post(org_id, kind, topic, lang, title, body, valid_until,
    published_at, created_at, updated_at) VALUES (${ids['member-m']}, 'offer', 'technology', 'en', 'Matrix post',
    'A post of M.', '2099-01-01', 0, 0, 0) RETURNING id`));
  ids.interest = Number(sqlite(`INSERT INTO post_interest(post_id, status, created_at, updated_at)
    VALUES (${ids.post}, 'pending', 0, 0) RETURNING id`));
  ids.interest2 = Number(sqlite(`INSERT INTO post_interest(post_id, status, created_at, updated_at)
    VALUES (${ids.post}, 'pending', 0, 0) RETURNING id`));
  ids.proposal = Number(sqlite(`INSERT INTO cluster_member_proposal(cluster_id, org_id, joined_on, proposed_at)
    VALUES (${ids['cluster-d']}, ${ids['member-m']}, '2024-01-01', 0) RETURNING id`));
  ids.event = Number(sqlite(`INSERT INTO event(kind, organiser_id, title_sr, starts_at, ends_at,
    place, language, audience, capacity, created_at, updated_at)
    VALUES ('workshop', ${ids['cluster-c']}, 'Радионица', 4081222800, 4081230000, 'Нови Сад', 'sr',
    'everyone', 50, 0, 0) RETURNING id`));
  ids.call = Number(sqlite(`INSERT INTO funding_call(programme, title_sr, deadline_at, created_at,
    updated_at) VALUES ('Matrix', 'Матрица', 4102444800, 0, 0) RETURNING id`));
  ids.goal = Number(sqlite(`INSERT INTO devplan_goal(org_id, title, created_at, updated_at)
    VALUES (${ids['cluster-c']}, 'Matrix goal', 0, 0) RETURNING id`));
  ids.action = Number(sqlite(`INSERT INTO devplan_action(goal_id, title, deadline, status, created_at, updated_at)
    VALUES (${ids.goal}, 'Matrix action', '2099-01-01', 'planned', 0, 0) RETURNING id`));
  ids.project = Number(sqlite(`INSERT INTO project(title_sr, status, created_at, updated_at)
    VALUES ('Matrix project', 'idea', 0, 0) RETURNING id`));
  sqlite(`INSERT INTO project_participant(project_id, org_id, role) VALUES (${ids.project}, ${ids['cluster-c']}, 'lead'),
    (${ids.project}, ${ids['partner-p']}, 'partner')`);
  ids.mentoring = Number(sqlite(`INSERT INTO mentoring(mentee_id, mentor_id, started_on, created_at, updated_at)
    VALUES (${ids['cluster-c']}, ${ids['cluster-d']}, '2026-01-01', 0, 0) RETURNING id`));
  ids.position = Number(sqlite(`INSERT INTO position(kind, owner_id, stage, created_at, updated_at)
    VALUES ('proposal', ${ids['cluster-c']}, 'submitted', 0, 0) RETURNING id`));
  ids.consultation = Number(sqlite(`INSERT INTO consultation(title_sr, deadline_on, created_at, updated_at)
    VALUES ('Матрица', '2099-01-01', 0, 0) RETURNING id`));
  ids.agreement = Number(sqlite(`INSERT INTO agreement(kind, title_sr, signed_on, status, created_at, updated_at)
    VALUES ('mou', 'Matrix agreement', '2024-01-01', 'signed', 0, 0) RETURNING id`));
  sqlite(`INSERT INTO agreement_party(agreement_id, org_id) VALUES (${ids.agreement}, ${ids['cluster-c']}),
    (${ids.agreement}, ${ids['partner-p']})`);
  // C in SCAN, and three positions of C: a draft, one in consultation, one open for signature
  sqlite(`INSERT INTO scan_membership(org_id, status, since, created_at) VALUES (${ids['cluster-c']}, 'member', '2020-01-01', 0)`);
  for (const [key, stage] of [['posDraft', 'draft'], ['posConsult', 'consultation'], ['posSigning', 'signing']]) {
    ids[key] = Number(sqlite(`INSERT INTO position(kind, owner_id, stage, version, created_at, updated_at)
      VALUES ('proposal', ${ids['cluster-c']}, '${stage}', 1, 0, 0) RETURNING id`));
    sqlite(`INSERT INTO position_version(position_id, version, title_sr, body_sr, created_at)
      VALUES (${ids[key]}, 1, 'Матрица', 'Први пасус.', 0)`);
  }
  // published, so that a refused role sees it and is refused (403); a
  // draft is 404 to whoever may not see it, as a missing id (news.test.mjs)
  ids.news = Number(sqlite(`INSERT INTO news(org_id, slug, title_sr, lead_sr, body_sr, topic, status,
    publish_at, created_at, updated_at) VALUES (${ids['cluster-c']}, 'matrix-news', 'Вест', 'Увод', 'Текст',
    'cluster', 'published', 0, 0, 0) RETURNING id`));
  addUser(EMAIL.admin, 'Matrix Admin', PASSWORD.admin, ['--admin']);
  addUser(EMAIL.editor, 'Matrix Editor', PASSWORD.editor, ['--editor']);
  addUser(EMAIL.cluster_manager, 'Manager of C', PASSWORD.cluster_manager);
  addUser(EMAIL.member_rep, 'Representative of M', PASSWORD.member_rep);
  addUser(EMAIL.partner, 'Representative of P', PASSWORD.partner);
  cli(['user', 'role', EMAIL.cluster_manager, 'manager', '--org', 'cluster-c']);
  cli(['user', 'role', EMAIL.member_rep, 'representative', '--org', 'member-m']);
  cli(['user', 'role', EMAIL.partner, 'representative', '--org', 'partner-p']);
  addUser(EMAIL.cluster_rep, 'Representative of C', PASSWORD.cluster_rep);
  ids.thread = Number(sqlite(`INSERT INTO post_interest(post_id, person_id, status, created_at, updated_at)
    VALUES (${ids.post}, (SELECT id FROM person WHERE email = '${EMAIL.partner}'), 'accepted', 0, 0) RETURNING id`));
  cli(['user', 'role', EMAIL.cluster_rep, 'representative', '--org', 'cluster-c']);
  addUser(EMAIL.no_org, 'Nobody in particular', PASSWORD.no_org);
  for (let i = 0; i < 3 * ROLES.length; i++) {
    const email = `victim${++victims}@example.com`;
    addUser(email, `Victim ${victims}`, VICTIM_PW);
    victimPool.push(ids[email]);
  }
  srv = await startServer({ dbPath: db });
});

after(async () => {
  const { code } = await srv.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exits 0 on SIGTERM');
});

function writeRoutes() {
  const out = scan(['routes']);
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n').map((l) => l.split('\t'))
    .filter(([method]) => method !== 'GET')
    .map(([method, pattern, flags]) => ({ key: `${method} ${pattern}`, flags }));
}

test('every write route of `scan routes` is in the permission matrix', () => {
  const routes = writeRoutes();
  assert.ok(routes.length > 0, 'the route table has write routes');
  const missing = routes.filter(({ key }) => !(key in MATRIX)).map(({ key }) => key);
  assert.deepEqual(missing, [], 'write routes without a row in MATRIX (add one, with a body in BODIES)');
  const stale = Object.keys(MATRIX).filter((k) => !routes.some(({ key }) => key === k));
  assert.deepEqual(stale, [], 'MATRIX rows for routes that no longer exist');
  for (const { key, flags } of routes) {
    if (CSRF_EXEMPT.has(key)) assert.doesNotMatch(flags, /csrf/, `${key} is exempt on purpose`);
    else assert.match(flags, /csrf/, `${key} is CSRF-checked`);
  }
});

// --- object-level cases ------------------------------------------------------------

test("an event's participants (page, CSV, API) are read by whoever may edit its organiser C only", async () => {
  for (const role of ROLES) {
    const allowed = EDIT_C[role];
    const a = await as(role);
    for (const path of [`/events/${ids.event}/participants`, `/events/${ids.event}/participants?format=xlsx`,
      `/api/v1/events/${ids.event}/registrations`]) {
      const { status } = await a.req('GET', path);
      if (allowed) assert.equal(status, 200, `${role} reads ${path}`);
      else assert.ok(role === 'public' ? [401, 303].includes(status) : status === 403, `${role} refused ${path}: ${status}`);
    }
  }
});

test('the manager of C may invite for C only: never for its member M (whose people are its own to choose), D or P', async () => {
  const m = await as('cluster_manager');
  const form = await m.req('GET', '/invite');
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`<option value="${ids['cluster-c']}"[^>]*>Cluster C</option>`));
  assert.doesNotMatch(form.text, /Cluster D|Partner P|Member M/);
  assert.doesNotMatch(form.text, /No organisation/);

  const invite = (org, role = 'representative') => m.post('/invite',
    { name: 'Object Case', email: `object${++invitees}@example.com`, org: String(org), role });
  assert.equal((await invite(ids['cluster-d'])).status, 403, 'inviting for D');
  assert.equal((await invite(ids['partner-p'])).status, 403, 'inviting for P');
  assert.equal((await invite(ids['member-m'])).status, 403, 'inviting for M: a manager could make himself its representative and consent in its name');
  assert.equal((await invite(ids['cluster-c'], 'manager')).status, 303, 'inviting a co-manager of C');
  const none = await m.post('/invite', { name: 'No Org', email: 'noorg@example.com', org: '', role: '' });
  assert.equal(none.status, 422, 'a manager must choose one of their organisations');
  assert.match(none.text, /id="inv-org-error"/);
});

test('a representative invites colleagues for their own organisation only, never a manager; partners and editors cannot invite', async () => {
  const rep = await as('member_rep');
  const form = await rep.req('GET', '/invite');
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`<option value="${ids['member-m']}"[^>]*>Member M</option>`));
  assert.doesNotMatch(form.text, /Cluster C|Cluster D|Partner P/);
  const mine = await rep.post('/invite', { name: 'Colleague', email: `colleague${++invitees}@example.com`, org: String(ids['member-m']), role: 'representative' });
  assert.equal(mine.status, 303, 'a colleague for M');
  const boss = await rep.post('/invite', { name: 'Boss', email: `boss${++invitees}@example.com`, org: String(ids['member-m']), role: 'manager' });
  assert.equal(boss.status, 422, 'no manager from a representative');
  assert.equal((await rep.post('/invite', { name: 'X', email: 'x@example.com', org: String(ids['cluster-c']), role: 'representative' })).status, 403, 'not for C');
  for (const role of ['partner', 'editor']) {
    const a = await as(role);
    if (role === 'editor') assert.equal((await a.req('GET', '/invite')).status, 403, role);
    const r = await a.post('/invite', { name: 'X', email: 'x@example.com', org: String(ids['member-m']), role: 'representative' });
    assert.equal(r.status, 403, role);
  }
});

test('the admin may invite for any organisation, or none', async () => {
  const a = await as('admin');
  const form = await a.req('GET', '/invite');
  for (const name of ['Cluster C', 'Cluster D', 'Member M', 'Partner P']) assert.match(form.text, new RegExp(name));
  for (const [org, role] of [[ids['cluster-d'], 'manager'], [ids['partner-p'], 'representative'], ['', '']])
    assert.equal((await a.post('/invite', { name: 'Admin Case', email: `admin${++invitees}@example.com`,
      org: String(org), role })).status, 303, `org ${org}`);
});

// A "manager" speaks only for a cluster or cluster initiative (rights.h):
// before, the form invited one for a university, a role that gave nothing.
test('the form invites a manager only for a cluster or cluster initiative: elsewhere 422, naming the representative, and nothing sent', async () => {
  const a = await as('admin');
  const count = () => sqlite("SELECT (SELECT count(*) FROM one_time_link) || '|' || (SELECT count(*) FROM outbox) || '|' || (SELECT count(*) FROM person)");
  const before = count();
  const email = `uni.manager${++invitees}@example.com`;
  for (const [lang, message] of [['en', /Only a cluster or a cluster initiative has managers, and this organisation is neither\. Invite the person as its representative\./],
    ['sr-Cyrl', /Само кластер или кластерска иницијатива има менаџере, а ова организација није ни једно ни друго\. Позовите особу као њеног представника\./],
    ['sr-Latn', /Samo klaster ili klasterska inicijativa ima menadžere, a ova organizacija nije ni jedno ni drugo\. Pozovite osobu kao njenog predstavnika\./]]) {
    const r = await a.post(`/invite?lang=${lang}`, { name: 'Uni Manager', email, org: String(ids['partner-p']), role: 'manager' });
    assert.equal(r.status, 422, lang);
    assert.match(r.text, /id="inv-role-error"/);
    assert.match(r.text, message, lang);
    assert.match(r.text, /<option value="\d+" selected>Partner P<\/option>/, 'the form keeps what was typed');
  }
  assert.equal(count(), before, 'no link, no mail, no person');
  // the same person as its representative, and a manager of a cluster, are invited
  assert.equal((await a.post('/invite', { name: 'Uni Manager', email, org: String(ids['partner-p']), role: 'representative' })).status, 303);
  assert.equal((await a.post('/invite', { name: 'Cluster Manager', email: `cl.manager${++invitees}@example.com`, org: String(ids['cluster-d']), role: 'manager' })).status, 303);
  assert.equal(sqlite(`SELECT count(*) FROM one_time_link l JOIN person p ON p.id = l.person_id
    WHERE (p.email = '${email}' AND l.grant_role = 'representative')
       OR (p.email = 'cl.manager${invitees}@example.com' AND l.grant_role = 'manager')`), '2');
  // the hint says who a manager is for
  const form = await a.req('GET', '/invite?lang=en');
  assert.match(form.text, /A manager runs the entry of a cluster or cluster initiative, as its management team; a representative speaks for any organisation/);
});

test('admin routes refuse the editor and act for the admin', async () => {
  const ed = await as('editor');
  for (const p of ['/admin/users', '/admin/audit', '/admin/outbox'])
    assert.equal((await ed.req('GET', p)).status, 403, p);
  const admin = await as('admin');
  for (const p of ['/admin/users', '/admin/audit', '/admin/outbox'])
    assert.equal((await admin.req('GET', p)).status, 200, p);
});

test('an import checks every row: a row the caller may not change is refused and nothing is stored', async () => {
  const figures = (slug, year) => sqlite(`SELECT count(*) FROM org_figure f JOIN org o ON o.id = f.org_id
    WHERE o.slug = '${slug}' AND f.year = ${year}`);
  const head = 'slug,year,employees,revenue,exports,rnd,currency,source\r\n';
  // the representative of C reaches C's import (their own figures), not its members' rows
  const repC = await as('cluster_rep');
  const own = await repC.post('/orgs/cluster-c/figures/import?lang=en', { csv: `${head}member-m,2022,10,,,,EUR,self_reported\r\n`, confirm: '1' });
  assert.equal(own.status, 422);
  assert.match(own.text, /you may not change the figures of member-m for 2022/);
  assert.equal(figures('member-m', 2022), '0', 'nothing stored');
  // the manager of C: M's row alone goes through; with a row of another
  // cluster the whole file is refused and nothing is stored
  const m = await as('cluster_manager');
  const mixed = `${head}member-m,2022,10,,,,EUR,self_reported\r\ncluster-d,2022,5,,,,EUR,self_reported\r\n`;
  const bad = await m.post('/orgs/cluster-c/figures/import?lang=en', { csv: mixed, confirm: '1' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /Line 3:/);
  assert.equal(figures('member-m', 2022), '0', 'the allowed row was not stored either');
  assert.equal(figures('cluster-d', 2022), '0');
  const good = await m.post('/orgs/cluster-c/figures/import', { csv: `${head}member-m,2022,10,,,,EUR,self_reported\r\n`, confirm: '1' });
  assert.equal(good.status, 303);
  assert.equal(figures('member-m', 2022), '1');
  // a representative of a member is refused the cluster's import outright
  const rep = await as('member_rep');
  assert.equal((await rep.post('/orgs/cluster-c/figures/import', { csv: `${head}member-m,2021,10,,,,EUR,self_reported\r\n` })).status, 403);
});

// issue 17: the map, the panorama, a cluster's badge and share page are
// public reads, the same for every role; no write route was added (the
// reference import is the CLI's `scan ref import`).
test('the map, the panorama and a cluster\'s badge and share page are read by every role alike', async () => {
  sqlite("UPDATE org SET status = 'published' WHERE slug = 'cluster-c'");
  for (const role of ROLES) {
    const a = await as(role);
    for (const path of ['/map', '/map?measure=employees&format=csv', '/panorama?view=table',
      '/orgs/cluster-c/badge.svg', '/orgs/cluster-c/share']) {
      const { status } = await a.req('GET', path);
      assert.equal(status, 200, `${role} reads ${path}`);
    }
    // a company has no badge, for anyone
    assert.equal((await a.req('GET', '/orgs/member-m/badge.svg')).status, 404, role);
  }
});

// issue 14: the project form is shown to those who could save it (who may
// lead a project: a representative, a cluster's manager, the secretariat);
// an account that speaks for no organisation gets, in its place, who may
// enter a project and how to become one (403), and 403 on POST.
test('/projects/new: the form for whoever may lead a project, an explanation and 403 for the others', async () => {
  const expect = { public: 303, member_rep: 200, partner: 200, cluster_manager: 200, editor: 200, admin: 200, no_org: 403 };
  for (const [role, status] of Object.entries(expect)) {
    const a = await as(role);
    const r = await a.req('GET', '/projects/new?lang=en');
    assert.equal(r.status, status, `${role} GET /projects/new`);
    if (status === 200) {
      assert.match(r.text, /<form class="form" method="post" action="\/projects"/, role);
      assert.doesNotMatch(r.text, /id="cannot-start"/, role);
    }
    const list = await a.req('GET', '/projects?lang=en');
    assert.equal(/href="\/projects\/new"/.test(list.text), status === 200, `${role}: the list links the form only if it can be saved`);
  }
  const nobody = await as('no_org');
  const page = await nobody.req('GET', '/projects/new?lang=en');
  assert.match(page.text, /id="cannot-start"/);
  assert.match(page.text, /entered by its lead: the representative of the leading organisation/);
  assert.match(page.text, /href="\/orgs"/);
  assert.doesNotMatch(page.text, /name="title_sr"/);
  const before = sqlite('SELECT count(*) FROM project');
  const post = await nobody.post('/projects?lang=en', { title_sr: 'Туђ пројекат', status: 'idea', p_org: 'cluster-c', p_role: 'lead' });
  assert.equal(post.status, 403);
  assert.match(post.text, /speaks for no organisation in the directory/);
  assert.equal(sqlite('SELECT count(*) FROM project'), before);
});

// Last, because the directory routes archive and publish cluster C.
// Each role's session is kept from one request to the next until an answer
// sets or clears a cookie (a login, a logout, a new password): a login is
// a password hash, and a fresh one for each of ~1000 requests was most of
// this file's time.
test('each role is allowed or refused each write route as the matrix says', async () => {
  const routes = writeRoutes().filter(({ key }) => key in MATRIX);
  const wrong = [];
  const kept = new Map(); // role -> its session, while no answer changed its cookies
  let logins = 0;
  let touched = false; // a directory route ran since C was last published
  for (const { key } of routes) {
    assert.ok(BODIES[key], `a plausible request for ${key}`);
    for (const role of ROLES) {
      if (!kept.has(role)) {
        kept.set(role, await as(role));
        logins++;
      }
      const agent = kept.get(role);
      // a save or an archive by an earlier role (of this route or an
      // earlier one) may leave C a draft or archived, which hides it (404)
      // from those who may not edit it; each role meets a published C
      if (touched || key.includes('/orgs/')) {
        sqlite("UPDATE org SET status = 'published' WHERE slug = 'cluster-c'");
        touched = key.includes('/orgs/');
      }
      const r = await agent.send(BODIES[key](role));
      if (r.setCookie || /login|logout|password/.test(key)) kept.delete(role);
      if (process.env.MATRIX_DEBUG) console.log(`${key}\t${role}\t${r.status}`);
      const allowed = MATRIX[key][role];
      const refusal = role === 'public' && !MATRIX[key].public ? 401 : 403;
      if (r.status >= 500) wrong.push(`${key} as ${role}: ${r.status} (server error)`);
      else if (allowed && (r.status === 401 || r.status === 403))
        wrong.push(`${key} as ${role}: ${r.status}, expected allowed`);
      else if (!allowed && r.status !== refusal)
        wrong.push(`${key} as ${role}: ${r.status}, expected ${refusal}`);
    }
  }
  assert.deepEqual(wrong, []);
  if (process.env.MATRIX_DEBUG) console.log(`${logins} logins for ${routes.length * ROLES.length} requests`);
});
