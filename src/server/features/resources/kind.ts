import type { RawBuilder, SqlBool } from 'kysely'
import type { TProperties, TSchema } from 'typebox'
import type { ResourceKind } from '../../../domain/resources/kinds.js'
import type { Db } from '../../db/database.js'
import type { Scope } from '../../db/scope.js'
import type { FieldTitles, KindFilters } from './schema.js'

/** Checks a referenced person: in the user's jurisdiction, or a 400 naming the field. */
export type PersonCheck = (field: string, title: string, id: number | null | undefined) => Promise<number | null>

/** What a kind's warnings may look at besides its own detail. */
export type BaseFacts = { responsibleId: number | null; responsibleHasPhone: boolean }

/**
 * One resource kind: its detail table, form, list filters, labels and warnings. The shared
 * `resource` row is handled once in queries.ts; a kind only knows its own table.
 *
 * `In` is the static type of `input`, `Values` the detail columns written, `Out` the static type
 * of `output` — each kind file ties them to its schemas.
 */
export interface KindModule<In, Values, Out> {
  kind: ResourceKind
  /** How the shared fields are called on this kind's form. */
  titles: FieldTitles
  /** Whether the 负责人 field must be filled. */
  requiresResponsible: boolean
  input: TSchema
  output: TSchema
  filters: TProperties
  /** Refuses what the schema cannot (references, cross-field rules) with a Chinese message. */
  values: (detail: In, person: PersonCheck, trx: Db) => Promise<Values>
  /** Writes the detail row of resource `id`, inserting or replacing it. */
  save: (trx: Db, id: number, values: Values) => Promise<void>
  /** The detail row as stored, for the audit log. */
  raw: (trx: Db, id: number) => Promise<unknown>
  /** Details of the given resources, labelled, with names of people they point at (in scope). */
  load: (db: Db, scope: Scope, ids: readonly number[]) => Promise<Map<number, Out>>
  /** `r.id in (…)` for this kind's filters, or null when none was given. */
  matching: (db: Db, filters: KindFilters) => RawBuilder<SqlBool> | null
  warnings: (detail: Out, base: BaseFacts) => string[]
  /** Messages when the record has no responsible person, or that person has no phone. */
  contactWarnings: { missing: string; noPhone: string }
}

/** Trimmed, non-blank, each once, in the order given. */
export function textList(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v !== ''))]
}
