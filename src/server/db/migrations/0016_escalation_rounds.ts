import { sql, type Kysely } from 'kysely'

/**
 * Escalation designed for a whole township being silent (a storm at night):
 * - escalation_round: the silent people of one warning escalated together; each superior is told
 *   once per round, with how many are silent below them, not once per silent person;
 * - escalation: who was escalated to whom in which round, the superior's list in the app;
 * - notice_digest_item: escalation notices held back by the per-phone limit, sent as one digest;
 * - door-knock tasks per village (per region for its own staff) listing the people to reach,
 *   instead of one task per person.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table escalation_round (
      id bigserial primary key,
      warning_id bigint not null references warning (id) on delete cascade,
      revision integer not null,
      number integer not null,
      opened_at timestamptz not null,
      constraint escalation_round_number_key unique (warning_id, number)
    );

    create table escalation (
      round_id bigint not null references escalation_round (id) on delete cascade,
      warning_id bigint not null references warning (id) on delete cascade,
      -- The silent person, and one superior told about them.
      person_id bigint not null references person (id),
      superior_id bigint not null references person (id),
      primary key (round_id, superior_id, person_id)
    );
    create index escalation_superior_idx on escalation (superior_id, warning_id);
    create index escalation_warning_idx on escalation (warning_id, person_id);

    -- An escalation notice (step -2) names its round instead of one silent person.
    alter table delivery add column round_id bigint references escalation_round (id) on delete cascade;
    -- "How many notices did this phone get lately?" reads the few notice rows, not the queue.
    create index delivery_notice_address_idx on delivery (address, queued_at) where step in (-2, -3);

    -- Notices a digest (step -3) stands for: one row per round and superior it merged.
    create table notice_digest_item (
      delivery_id bigint not null references delivery (id) on delete cascade,
      warning_id bigint not null references warning (id) on delete cascade,
      round_id bigint not null references escalation_round (id) on delete cascade,
      person_id bigint not null references person (id),
      primary key (delivery_id, round_id, person_id)
    );

    -- Tasks per area: a village for its people (knocked on by its township), or a township or
    -- county for its own staff.
    alter table door_knock_task add column area_code text references region (code);
    create table door_knock_person (
      task_id bigint not null references door_knock_task (id) on delete cascade,
      warning_id bigint not null references warning (id) on delete cascade,
      person_id bigint not null references person (id),
      -- Set once the person counts as reached: at the door ('door') or by their own confirmation.
      confirmed_at timestamptz,
      confirmed_via text,
      primary key (task_id, person_id)
    );
    create index door_knock_person_person_idx on door_knock_person (warning_id, person_id);

    -- Existing per-person tasks: each person moves into a task of their area; open tasks of the
    -- same warning and area merge into the oldest.
    update door_knock_task t set area_code = coalesce(
      (select r.region_code from warning_recipient r where r.warning_id = t.warning_id and r.person_id = t.person_id),
      (select p.region_code from person p where p.id = t.person_id));
    insert into door_knock_person (task_id, warning_id, person_id, confirmed_at, confirmed_via)
    select coalesce(
        (select min(o.id) from door_knock_task o
          where t.state = 'open' and o.state = 'open' and o.warning_id = t.warning_id and o.area_code = t.area_code),
        t.id),
      t.warning_id, t.person_id, t.done_at, case when t.state = 'done' then 'door' end
    from door_knock_task t;
    delete from door_knock_task t where not exists (select 1 from door_knock_person k where k.task_id = t.id);

    alter table door_knock_task alter column area_code set not null;
    alter table door_knock_task drop constraint door_knock_task_key;
    alter table door_knock_task drop column person_id;
    -- One open task per area and warning; a new one may follow once it is done.
    create unique index door_knock_task_open_key on door_knock_task (warning_id, area_code) where state = 'open';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index door_knock_task_open_key;
    alter table door_knock_task add column person_id bigint references person (id);
    update door_knock_task t set person_id = (select min(k.person_id) from door_knock_person k where k.task_id = t.id);
    delete from door_knock_task where person_id is null;
    drop table door_knock_person;
    alter table door_knock_task drop column area_code;
    alter table door_knock_task alter column person_id set not null;
    alter table door_knock_task add constraint door_knock_task_key unique (warning_id, person_id);
    drop table notice_digest_item;
    drop index delivery_notice_address_idx;
    alter table delivery drop column round_id;
    drop table escalation;
    drop table escalation_round;
  `.execute(db)
}
