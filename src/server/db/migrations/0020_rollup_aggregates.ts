import { sql, type Kysely } from 'kysely'

/**
 * Tallies behind the roll-ups (汇总), completeness (应排尽排), freshness and attention counts, so
 * that a county or city page reads a few hundred tally rows instead of grouping its 10^5–10^6
 * supply lines on every request. Like the one-map's cells (0006), they are kept by
 * statement-level triggers with transition tables: one grouped upsert per tally and statement,
 * so a ledger import of 10^5 lines costs a few grouped statements, not 10^5 row triggers.
 *
 * Region keys are the first `level` digits of a region code. A roll-up of a province, city or
 * county groups by its children's digits (4, 6, 9), so those levels are kept; a township or
 * village is small enough to group its own rows. Names are tallied at the digits of the asked
 * region itself (2, 4, 6, 9), for the commonest names of its whole subtree.
 *
 *   supply_tally        per child key, class, unit, 装备 or not, condition: lines and quantity
 *   supply_name_tally   per subtree key and name (and the filters' columns): lines, quantity, lines in stock
 *   supply_place_tally  per exact region and name: lines, lines in stock, usable lines (completeness)
 *   supply_date_tally   per child key: live lines by expiry date, maintained gear by the day maintenance is due
 *   fresh_tally         per child key and kind (resource kind or 'supply'): records by day of confirmation
 *   resource_tally      per child key (and exact region, 12) and kind: records, headcount, capacity, open risk points
 *   person_tally        per region a person counts for (own or their unit's) and own region: people holding
 *                       one of the three roles, and heads, liaisons, informants
 *
 * Times that move on their own (stale after N days, expiring within N days) are tallied by day,
 * so the count of any cut-off is a sum over days; the one day a cut-off instant falls in is read
 * from the rows (features/rollup/tallies.ts). Resources count when active. Tallies whose counts
 * drop to zero are deleted. Each trigger upserts in key order, so concurrent writers cannot
 * deadlock on shared tally rows. `rollup_rebuild()` recomputes everything from the records: the
 * migration fills the tallies with it, and a restore (which copies the records with their
 * triggers firing) calls it afterwards.
 *
 * A resource's headcount, capacity and risk level live in its detail table (team, shelter,
 * risk_point), and a person counts where their unit is too: a statement may change both sides at
 * once (an import creates a resource with its team in one statement), and a deleted resource's
 * detail row goes by cascade, after which neither side can find the other. So what the tally holds
 * of each resource and person is kept beside it (resource_tally_source, person_tally_source); a
 * trigger on either side recomputes the record's figures from the tables as they now are and adds
 * the difference from what was counted. A second trigger of the same statement then finds nothing
 * left to add.
 *
 * The migration also adds the indexes key-paged lists walk in their order (region, name, id).
 */

type Tally = {
  table: string
  /** Grouping columns with their types, in key order. */
  keys: Array<[string, string]>
  /** Summed columns with their types; the first counts rows and decides when a tally is empty. */
  sums: Array<[string, string]>
}

const TALLIES: Record<string, Tally> = {
  supply: {
    table: 'supply_tally',
    keys: [['level', 'smallint'], ['key', 'text'], ['class_code', 'text'], ['unit', 'text'], ['is_equipment', 'boolean'], ['condition', 'text']],
    sums: [['lines', 'integer'], ['quantity', 'numeric']],
  },
  supplyName: {
    table: 'supply_name_tally',
    keys: [['level', 'smallint'], ['key', 'text'], ['name', 'text'], ['unit', 'text'], ['class_code', 'text'], ['is_equipment', 'boolean'], ['condition', 'text']],
    sums: [['lines', 'integer'], ['quantity', 'numeric'], ['stocked', 'integer']],
  },
  supplyPlace: {
    table: 'supply_place_tally',
    keys: [['region_code', 'text'], ['name', 'text']],
    sums: [['lines', 'integer'], ['stocked', 'integer'], ['usable', 'integer']],
  },
  supplyDate: {
    table: 'supply_date_tally',
    keys: [['level', 'smallint'], ['key', 'text'], ['kind', 'text'], ['on_date', 'date']],
    sums: [['lines', 'integer']],
  },
  fresh: {
    table: 'fresh_tally',
    keys: [['level', 'smallint'], ['key', 'text'], ['kind', 'text'], ['confirmed_on', 'date']],
    sums: [['records', 'integer']],
  },
  resource: {
    table: 'resource_tally',
    keys: [['level', 'smallint'], ['key', 'text'], ['kind', 'text']],
    sums: [['records', 'integer'], ['headcount', 'bigint'], ['capacity', 'bigint'], ['risk_general', 'integer'], ['risk_major', 'integer']],
  },
  person: {
    table: 'person_tally',
    keys: [['region_code', 'text'], ['person_region_code', 'text']],
    sums: [['people', 'integer'], ['heads', 'integer'], ['liaisons', 'integer'], ['informants', 'integer']],
  },
}

const levels = (...ls: number[]) => `(values ${ls.map((l) => `(${l})`).join(', ')}) l(level)`
const CHILD_LEVELS = levels(4, 6, 9)
// A confirmation's day, in UTC so that the tally does not depend on the session's time zone.
const confirmedOn = (col: string) => `coalesce((${col} at time zone 'UTC')::date, '-infinity'::date)`

/**
 * Each tally's contribution rows from `d`, a set of source rows with a `sign` column (+1 for rows
 * added, -1 for rows taken away): key columns, then the summed values already times the sign.
 */
const SUPPLY_SOURCES: Array<[Tally, (d: string) => string]> = [
  [TALLIES.supply, (d) => `
    select l.level, left(d.region_code, l.level), d.class_code, d.unit, d.is_equipment, d.condition, d.sign, d.sign * d.quantity
    from ${d} cross join ${CHILD_LEVELS}`],
  [TALLIES.supplyName, (d) => `
    select l.level, left(d.region_code, l.level), d.name, d.unit, d.class_code, d.is_equipment, d.condition,
      d.sign, d.sign * d.quantity, d.sign * (d.quantity > 0)::int
    from ${d} cross join ${levels(2, 4, 6, 9)}`],
  [TALLIES.supplyPlace, (d) => `
    select d.region_code, d.name, d.sign, d.sign * (d.quantity > 0)::int, d.sign * (d.quantity > 0 and d.condition <> 'scrapped')::int
    from ${d}`],
  [TALLIES.supplyDate, (d) => `
    select l.level, left(d.region_code, l.level), e.kind, e.on_date, d.sign
    from ${d}
    cross join lateral (
      select 'expires'::text as kind, d.expires_on as on_date
        where d.quantity > 0 and d.condition <> 'scrapped' and d.expires_on is not null
      union all
      select 'due', coalesce(d.maintained_on + d.maintenance_cycle_days, '-infinity'::date)
        where d.condition <> 'scrapped' and d.maintenance_cycle_days is not null) e
    cross join ${CHILD_LEVELS}`],
  [TALLIES.fresh, (d) => `
    select l.level, left(d.region_code, l.level), 'supply'::text, ${confirmedOn('d.confirmed_at')}, d.sign
    from ${d} cross join ${CHILD_LEVELS}`],
]

/**
 * Resources and people: the ids a statement touched, their figures now (`now_`), and what was
 * counted for them (the source row), as `d` rows of a sign.
 */
const RESOURCE_NOW = (ids: string) => `
    select r.id as resource_id, r.region_code, r.kind, coalesce(t.headcount, 0)::bigint as headcount,
      coalesce(sh.capacity, 0)::bigint as capacity,
      coalesce(rp.level = 'general' and rp.state <> 'eliminated', false)::int as risk_general,
      coalesce(rp.level = 'major' and rp.state <> 'eliminated', false)::int as risk_major
    from resource r
    left join team t on t.resource_id = r.id
    left join shelter sh on sh.resource_id = r.id
    left join risk_point rp on rp.resource_id = r.id
    where r.status = 'active' and r.id in (${ids})`

/** The difference between the resources' figures now and what the tally holds of them. */
const resourceDelta = (ids: string) => `
    select l.level, left(d.region_code, l.level), d.kind, d.sign, d.sign * d.headcount, d.sign * d.capacity,
      d.sign * d.risk_general, d.sign * d.risk_major
    from (
      select n.*, 1 as sign from (${RESOURCE_NOW(ids)}) n
      union all
      select s.*, -1 as sign from resource_tally_source s where s.resource_id in (${ids})
    ) d
    cross join ${levels(4, 6, 9, 12)}`

/** Recounts the given resources: tally by the difference, then the source rows as they now are. */
const recountResources = (ids: string) => [
  upsert(TALLIES.resource, resourceDelta(ids)),
  dropEmpty(TALLIES.resource),
  `delete from resource_tally_source where resource_id in (${ids});`,
  `insert into resource_tally_source ${RESOURCE_NOW(ids)};`,
]

const resourceFresh = (d: string) => `
    select l.level, left(d.region_code, l.level), d.kind, ${confirmedOn('d.confirmed_at')}, d.sign
    from ${d} cross join ${CHILD_LEVELS}
    where d.status = 'active'`

const PERSON_ROLES = `array['head', 'liaison', 'informant']::text[]`

const PERSON_NOW = (ids: string) => `
    select p.id as person_id, p.region_code, u.region_code as unit_region_code, ('head' = any(p.roles))::int as heads,
      ('liaison' = any(p.roles))::int as liaisons, ('informant' = any(p.roles))::int as informants
    from person p left join unit u on u.id = p.unit_id
    where p.roles && ${PERSON_ROLES} and p.id in (${ids})`

/** A person counts in their own region, and in their unit's where that is another. */
const personDelta = (ids: string) => `
    select c.code, d.region_code, d.sign, d.sign * d.heads, d.sign * d.liaisons, d.sign * d.informants
    from (
      select n.*, 1 as sign from (${PERSON_NOW(ids)}) n
      union all
      select s.*, -1 as sign from person_tally_source s where s.person_id in (${ids})
    ) d
    cross join lateral (select d.region_code as code union select d.unit_region_code where d.unit_region_code is not null) c`

const recountPeople = (ids: string) => [
  upsert(TALLIES.person, personDelta(ids)),
  dropEmpty(TALLIES.person),
  `delete from person_tally_source where person_id in (${ids});`,
  `insert into person_tally_source ${PERSON_NOW(ids)};`,
]

/** Ids in a statement's transition tables (`column` of each). */
const touched = (event: Event, column: string) =>
  event === 'upd' ? `select ${column} from new_rows union select ${column} from old_rows`
    : `select ${column} from ${event === 'ins' ? 'new_rows' : 'old_rows'}`

/** The grouped upsert of one tally from contribution rows. */
function upsert(t: Tally, contributions: string): string {
  const keys = t.keys.map(([k]) => k)
  const sums = t.sums.map(([s]) => s)
  const ordinals = keys.map((_, i) => i + 1).join(', ')
  const cols = [...keys, ...sums]
  return `
    insert into ${t.table} as t (${cols.join(', ')})
    select ${[...keys.map((k) => `c.${k}`), ...sums.map((s) => `sum(c.${s})`)].join(', ')}
    from (${contributions}) as c (${cols.join(', ')})
    group by ${ordinals}
    -- Edits that leave a record where it was (a new note, a new phone number) change no tally.
    having ${sums.map((s) => `sum(c.${s}) <> 0`).join(' or ')}
    -- A fixed order keeps concurrent statements from deadlocking on shared tally rows.
    order by ${ordinals}
    on conflict (${keys.join(', ')}) do update set ${sums.map((s) => `${s} = t.${s} + excluded.${s}`).join(', ')};`
}

const dropEmpty = (t: Tally) => `delete from ${t.table} where ${t.sums[0][0]} = 0;`

/** Rows added and taken away by a statement, with their sign, as `d`. */
const CHANGED = {
  ins: `(select x.*, 1 as sign from new_rows x) d`,
  upd: `(select x.*, 1 as sign from new_rows x union all select x.*, -1 as sign from old_rows x) d`,
  del: `(select x.*, -1 as sign from old_rows x) d`,
} as const
const EVENTS = { ins: 'insert', upd: 'update', del: 'delete' } as const
const REFERENCING = {
  ins: 'referencing new table as new_rows',
  upd: 'referencing new table as new_rows old table as old_rows',
  del: 'referencing old table as old_rows',
} as const
type Event = keyof typeof EVENTS

/** One statement trigger per table and event: a transition table exists only for the events that have it. */
function statementTrigger(name: string, table: string, event: Event, body: string): string {
  return `
    create function ${name}() returns trigger language plpgsql as $fn$
    begin
      ${body}
      return null;
    end $fn$;
    create trigger ${name} after ${EVENTS[event]} on ${table} ${REFERENCING[event]}
      for each statement execute function ${name}();`
}

function triggers(): string[] {
  const out: string[] = []
  for (const event of ['ins', 'upd', 'del'] as const) {
    const d = CHANGED[event]
    const clean = event === 'ins' ? [] : [...SUPPLY_SOURCES.map(([t]) => dropEmpty(t))]
    out.push(statementTrigger(`rollup_supply_${event}`, 'supply', event,
      [...SUPPLY_SOURCES.map(([t, source]) => upsert(t, source(d))), ...clean].join('\n')))

    out.push(statementTrigger(`rollup_resource_${event}`, 'resource', event, [
      upsert(TALLIES.fresh, resourceFresh(d)), ...(event === 'ins' ? [] : [dropEmpty(TALLIES.fresh)]),
      ...recountResources(touched(event, 'id')),
    ].join('\n')))
    for (const table of ['team', 'shelter', 'risk_point']) {
      out.push(statementTrigger(`rollup_${table}_${event}`, table, event, recountResources(touched(event, 'resource_id')).join('\n')))
    }
    out.push(statementTrigger(`rollup_person_${event}`, 'person', event, recountPeople(touched(event, 'id')).join('\n')))
  }
  // A unit that moves takes its people's count along.
  out.push(statementTrigger('rollup_unit_upd', 'unit', 'upd', recountPeople(`
    select p.id from person p join new_rows n on n.id = p.unit_id join old_rows o on o.id = n.id
    where o.region_code is distinct from n.region_code`).join('\n')))
  return out
}

/** Recomputing from the records, per family of tallies; a TRUNCATE of a source calls its family's. */
const FAMILIES = {
  supply: {
    tables: ['supply'],
    body: () => [
      ...SUPPLY_SOURCES.map(([t]) => t === TALLIES.fresh ? `delete from fresh_tally where kind = 'supply';` : `delete from ${t.table};`),
      ...SUPPLY_SOURCES.map(([t, source]) => upsert(t, source(`(select x.*, 1 as sign from supply x) d`))),
    ],
  },
  resources: {
    tables: ['resource', 'team', 'shelter', 'risk_point'],
    body: () => [
      `delete from resource_tally;`, `delete from resource_tally_source;`, `delete from fresh_tally where kind <> 'supply';`,
      ...recountResources('select id from resource'),
      upsert(TALLIES.fresh, resourceFresh(`(select x.*, 1 as sign from resource x) d`)),
    ],
  },
  people: {
    tables: ['person', 'unit'],
    body: () => [`delete from person_tally;`, `delete from person_tally_source;`, ...recountPeople('select id from person')],
  },
} as const

const TALLY_TABLES = Object.values(TALLIES).map((t) => t.table)

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of Object.values(TALLIES)) {
    // Sums of finite quantities stay finite; the check keeps a tally as strict as the rows it adds up.
    const cols = [...t.keys, ...t.sums].map(([c, type]) => type === 'numeric'
      ? `${c} ${type} not null constraint ${t.table}_${c}_finite check (${c} <> 'Infinity' and ${c} <> '-Infinity' and ${c} <> 'NaN')`
      : `${c} ${type} not null`)
    await sql.raw(`
      create table ${t.table} (${cols.join(', ')}, primary key (${t.keys.map(([k]) => k).join(', ')}));
      -- Tallies emptied by an update or delete are dropped at once; this keeps finding them cheap.
      create index ${t.table}_empty_idx on ${t.table} ((1)) where ${t.sums[0][0]} = 0;
    `).execute(db)
  }
  await sql`
    -- What the tallies hold of each active resource and each person with a counted role.
    create table resource_tally_source (
      resource_id bigint primary key, region_code text not null, kind text not null, headcount bigint not null,
      capacity bigint not null, risk_general integer not null, risk_major integer not null
    );
    create table person_tally_source (
      person_id bigint primary key, region_code text not null, unit_region_code text, heads integer not null,
      liaisons integer not null, informants integer not null
    );
  `.execute(db)
  await sql`
    -- Range scans by key prefix (LIKE '3305%') on the tallies that are read that way.
    create index supply_place_tally_prefix_idx on supply_place_tally (region_code text_pattern_ops);
    create index person_tally_prefix_idx on person_tally (region_code text_pattern_ops);

    -- Key-paged lists: each walks one index in its list order from where the last page ended.
    create index supply_list_idx on supply (region_code, name, id);
    create index resource_list_idx on resource (kind, region_code, name, id);
    create index person_list_idx on person (region_code, id);
    create index unit_list_idx on unit (region_code, name, id);
    create index leading_group_list_idx on leading_group (region_code, id);
    -- 待修 on the attention page, the latest first: a township's few repair lines by region, a
    -- county's or city's many by walking all repair lines from the latest.
    create index supply_repair_idx on supply (region_code, updated_at) where condition = 'repair';
    create index supply_repair_recent_idx on supply (updated_at desc, id) where condition = 'repair';
    -- Stale counts read the day the cut-off falls in from the records: that day's lines of a
    -- jurisdiction, found in the index without visiting the rows of other jurisdictions.
    drop index supply_confirmed_idx;
    create index supply_confirmed_idx on supply (confirmed_at, region_code);
  `.execute(db)

  for (const statement of triggers()) await sql.raw(statement).execute(db)

  for (const [family, f] of Object.entries(FAMILIES)) {
    await sql.raw(`
      create function rollup_rebuild_${family}() returns void language plpgsql as $fn$
      begin
        ${f.body().join('\n')}
      end $fn$;
      create function rollup_truncate_${family}() returns trigger language plpgsql as $fn$
      begin
        perform rollup_rebuild_${family}();
        return null;
      end $fn$;
    `).execute(db)
    for (const table of f.tables) {
      await sql.raw(`create trigger rollup_truncate_${table} after truncate on ${table} for each statement execute function rollup_truncate_${family}();`).execute(db)
    }
  }
  await sql.raw(`
    create function rollup_rebuild() returns void language plpgsql as $fn$
    begin
      -- Writers' triggers wait meanwhile, so no change is counted twice or lost.
      lock table ${[...TALLY_TABLES, 'resource_tally_source', 'person_tally_source'].join(', ')} in exclusive mode;
      ${Object.keys(FAMILIES).map((f) => `perform rollup_rebuild_${f}();`).join('\n')}
    end $fn$;
  `).execute(db)
  await sql`select rollup_rebuild()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const statements: string[] = []
  for (const [family, f] of Object.entries(FAMILIES)) {
    for (const table of f.tables) statements.push(`drop trigger if exists rollup_truncate_${table} on ${table};`)
    statements.push(`drop function if exists rollup_truncate_${family}(); drop function if exists rollup_rebuild_${family}();`)
  }
  statements.push('drop function if exists rollup_rebuild();')
  for (const event of ['ins', 'upd', 'del'] as const) {
    for (const table of ['supply', 'resource', 'team', 'shelter', 'risk_point', 'person']) {
      statements.push(`drop trigger if exists rollup_${table}_${event} on ${table}; drop function if exists rollup_${table}_${event}();`)
    }
  }
  statements.push('drop trigger if exists rollup_unit_upd on unit; drop function if exists rollup_unit_upd();')
  statements.push(`
    drop index if exists supply_list_idx; drop index if exists resource_list_idx; drop index if exists person_list_idx;
    drop index if exists unit_list_idx; drop index if exists leading_group_list_idx; drop index if exists supply_repair_idx;
    drop index if exists supply_repair_recent_idx;
    drop index if exists supply_confirmed_idx; create index supply_confirmed_idx on supply (confirmed_at);`)
  for (const t of [...TALLY_TABLES, 'resource_tally_source', 'person_tally_source']) statements.push(`drop table if exists ${t};`)
  await sql.raw(statements.join('\n')).execute(db)
}
