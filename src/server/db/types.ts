import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json = ColumnType<unknown, string | undefined, string>

export interface RegionTable {
  code: string
  name: string
  level: string
  kind: string | null
  parentCode: string | null
  fullName: string
  /** WGS84; null until positions are placed (features/map/positions.ts). */
  lng: ColumnType<number | null, number | null | undefined, number | null>
  lat: ColumnType<number | null, number | null | undefined, number | null>
  /** Where the position came from (domain/map/position-sources.ts); null exactly when there is none (migration 0019). */
  positionSource: string | null
  positionNote: string | null
}

export interface SettingTable {
  key: string
  value: Json
  updatedAt: Generated<Date>
}

export interface AppUserTable {
  id: Generated<number>
  username: string
  displayName: string
  role: string
  regionCode: string
  passwordHash: string
  passwordChangedAt: Generated<Date>
  totpSecret: string | null
  totpEnabled: Generated<boolean>
  failedLogins: Generated<number>
  lockedUntil: Date | null
  /** Locks in a row without a successful login in between; each lock lasts longer (migration 0008). */
  lockCount: Generated<number>
  disabled: Generated<boolean>
  lastLoginAt: Date | null
  personId: number | null
  isDemo: Generated<boolean>
  /** Set when an administrator or the set-up command issued a one-time password (migration 0009). */
  mustChangePassword: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

/** A change to an administrator account waiting for a second administrator (migration 0009). */
export interface AccountApprovalTable {
  id: Generated<number>
  kind: 'assign_role' | 'reset_password' | 'set_disabled'
  targetUserId: number
  regionCode: string
  payload: Json
  summary: string
  state: Generated<'pending' | 'approved' | 'rejected'>
  requestedBy: number
  requestedAt: Generated<Date>
  decidedBy: number | null
  decidedAt: Date | null
}

export interface SessionTable {
  id: string
  userId: number
  csrfToken: string
  ip: string | null
  userAgent: string | null
  createdAt: Generated<Date>
  lastSeenAt: Timestamp
}

export interface LoginFailureTable {
  id: Generated<number>
  ip: string
  username: string
  at: Generated<Date>
}

export interface AuditLogTable {
  id: Generated<number>
  at: ColumnType<Date, string | Date, never>
  actorId: number | null
  actorName: string
  ip: string | null
  action: string
  entity: string
  entityId: string | null
  regionCode: string | null
  before: Json | null
  after: Json | null
  prevHash: string
  hash: string
}

export interface UnitTable {
  id: Generated<number>
  regionCode: string
  name: string
  kind: string
  creditCode: string | null
  address: string | null
  phone: string | null
  parentUnitId: number | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface PersonTable {
  id: Generated<number>
  regionCode: string
  unitId: number | null
  name: string
  post: string | null
  mobile: string | null
  landline: string | null
  wechat: string | null
  email: string | null
  roles: ColumnType<string[], string[] | undefined, string[]>
  note: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface LeadingGroupTable {
  id: Generated<number>
  regionCode: string
  name: string
  officeUnitId: number | null
  officeAddress: string | null
  officePhone: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface LeadingGroupMemberTable {
  groupId: number
  personId: number
  position: string
  duty: string | null
  sort: Generated<number>
}

/** Every table. Features add their tables here, one line each. */
export interface Database extends ResourceTables, WarningTables {
  region: RegionTable
  mapCell: MapCellTable
  supplyTally: SupplyTallyTable
  supplyNameTally: SupplyNameTallyTable
  supplyPlaceTally: SupplyPlaceTallyTable
  supplyDateTally: SupplyDateTallyTable
  freshTally: FreshTallyTable
  resourceTally: ResourceTallyTable
  personTally: PersonTallyTable
  setting: SettingTable
  appUser: AppUserTable
  session: SessionTable
  accountApproval: AccountApprovalTable
  loginFailure: LoginFailureTable
  auditLog: AuditLogTable
  unit: UnitTable
  person: PersonTable
  leadingGroup: LeadingGroupTable
  leadingGroupMember: LeadingGroupMemberTable
}

// ---- Emergency resources (migration 0003) ----

type Num = ColumnType<number, number | string | undefined, number | string>
type DateOnly = ColumnType<string | null, string | null | undefined, string | null>
type TextArray = ColumnType<string[], string[] | undefined, string[]>

export interface ResourceTable {
  id: Generated<number>
  kind: string
  regionCode: string
  name: string
  ownerUnitId: number | null
  responsiblePersonId: number | null
  liaisonPersonId: number | null
  address: string | null
  lng: number | null
  lat: number | null
  location: ColumnType<{ x: number; y: number } | null, never, never>
  /** Filled in by a trigger when a writer gives none (migration 0019). */
  positionSource: Generated<string | null>
  status: Generated<string>
  note: string | null
  confirmedAt: Date | null
  confirmedByName: string | null
  importKey: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface TeamTable {
  resourceId: number
  level: string
  teamType: string
  specialities: TextArray
  headcount: number | null
  leaderPersonId: number | null
  establishedOn: DateOnly
  insured: Generated<boolean>
  insuranceUntil: DateOnly
  equipmentSummary: string | null
}

export interface ExpertGroupTable {
  code: string
  domain: string
  name: string
}

export interface ExpertTable {
  resourceId: number
  domain: string
  groupCode: string | null
  title: string | null
  speciality: string | null
  workUnit: string | null
  /** 'male' | 'female' (migration 0015). */
  gender: string | null
  bornOn: DateOnly
}

export interface StoragePointTable {
  resourceId: number
  storageKind: Generated<string>
  areaM2: Num | null
  volumeM3: Num | null
  keeperPersonId: number | null
}

export interface ShelterTable {
  resourceId: number
  gb21734Class: string | null
  level: string | null
  spaceType: Generated<string>
  effectiveAreaM2: Num
  capacity: number
  facilities: TextArray
}

export interface RiskPointTable {
  resourceId: number
  hazardType: string
  level: Generated<string>
  state: Generated<string>
  monitorPersonId: number | null
  measures: string | null
  threatenedPeople: number | null
}

export interface SupplyClassTable {
  code: string
  name: string
  parentCode: string | null
  level: number
  keywords: TextArray
  builtin: Generated<boolean>
}

export interface SupplierTable {
  resourceId: number
  creditCode: string | null
  suppliesSummary: string | null
}

export interface SupplyAgreementTable {
  id: Generated<number>
  supplierId: number
  regionCode: string
  classCode: string | null
  itemName: string
  quantity: Num | null
  unit: string | null
  startsOn: DateOnly
  endsOn: DateOnly
  responseHours: number | null
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface SupplyTable {
  id: Generated<number>
  regionCode: string
  classCode: string
  name: string
  specification: string | null
  unit: Generated<string>
  isEquipment: Generated<boolean>
  storagePointId: number | null
  teamId: number | null
  holderUnitId: number | null
  reserveForm: Generated<string>
  condition: Generated<string>
  quantity: ColumnType<number, number | string | undefined, number | string>
  purchasedOn: DateOnly
  expiresOn: DateOnly
  maintainedOn: DateOnly
  maintenanceCycleDays: number | null
  responsiblePersonId: number | null
  liaisonPersonId: number | null
  address: string | null
  lng: number | null
  lat: number | null
  location: ColumnType<{ x: number; y: number } | null, never, never>
  /** Filled in by a trigger when a writer gives none (migration 0019). */
  positionSource: Generated<string | null>
  note: string | null
  confirmedAt: Date | null
  confirmedByName: string | null
  importKey: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface StockMovementTable {
  id: Generated<number>
  supplyId: number
  kind: string
  delta: Num
  balance: Num
  reason: string
  counterpartSupplyId: number | null
  importId: number | null
  actorId: number | null
  actorName: string
  at: Generated<Date>
}

export interface LedgerImportTable {
  id: Generated<number>
  annex: string
  fileName: string
  fileSha256: string
  regionCode: string
  status: Generated<string>
  totalRows: Generated<number>
  validRows: Generated<number>
  errorRows: Generated<number>
  message: string | null
  summary: ColumnType<unknown, string | null | undefined, string | null>
  createdBy: number | null
  createdAt: Generated<Date>
  committedAt: Date | null
  /** Migration 0014: the columns as the user mapped them, for this file. */
  mapping: ColumnType<unknown, string | null | undefined, string | null>
}

/** Migration 0014: a remembered column mapping per region, annex and header fingerprint. */
export interface LedgerMappingTable {
  id: Generated<number>
  regionCode: string
  annex: string
  fingerprint: string
  mapping: ColumnType<unknown, string, string>
  updatedBy: number | null
  updatedAt: Generated<Date>
}

/** Migration 0014: the upload of an import not yet committed, in chunks. */
export interface LedgerImportFileTable {
  importId: number
  seq: number
  bytes: Buffer
}

export interface LedgerImportRowTable {
  importId: number
  rowNo: number
  data: ColumnType<unknown, string, string>
  problems: ColumnType<unknown, string | undefined, string>
  outcome: string
}

/** Pre-aggregated one-map grid cells of migration 0006, kept by triggers. */
export interface MapCellTable {
  level: number
  layer: string
  countyCode: string
  cx: number
  cy: number
  n: number
  sumLng: number
  sumLat: number
  sumId: number
}

/** Roll-up tallies of migration 0020, kept by triggers; `key` is the first `level` digits of a region code. */
export interface SupplyTallyTable {
  level: number
  key: string
  classCode: string
  unit: string
  isEquipment: boolean
  condition: string
  lines: number
  quantity: number
}

export interface SupplyNameTallyTable {
  level: number
  key: string
  name: string
  unit: string
  classCode: string
  isEquipment: boolean
  condition: string
  lines: number
  quantity: number
  stocked: number
}

export interface SupplyPlaceTallyTable {
  regionCode: string
  name: string
  lines: number
  stocked: number
  usable: number
}

export interface SupplyDateTallyTable {
  level: number
  key: string
  kind: string
  /** 'YYYY-MM-DD', or '-infinity' for maintained gear never maintained. */
  onDate: string
  lines: number
}

export interface FreshTallyTable {
  level: number
  key: string
  kind: string
  /** 'YYYY-MM-DD' (UTC day of confirmation), or '-infinity' for never confirmed. */
  confirmedOn: string
  records: number
}

export interface ResourceTallyTable {
  level: number
  key: string
  kind: string
  records: number
  headcount: number
  capacity: number
  riskGeneral: number
  riskMajor: number
}

export interface PersonTallyTable {
  regionCode: string
  personRegionCode: string
  people: number
  heads: number
  liaisons: number
  informants: number
}

/** Tables of migration 0003, merged into Database below. */
export interface ResourceTables {
  resource: ResourceTable
  team: TeamTable
  expertGroup: ExpertGroupTable
  expert: ExpertTable
  storagePoint: StoragePointTable
  shelter: ShelterTable
  riskPoint: RiskPointTable
  supplyClass: SupplyClassTable
  supplier: SupplierTable
  supplyAgreement: SupplyAgreementTable
  supply: SupplyTable
  stockMovement: StockMovementTable
  ledgerImport: LedgerImportTable
  ledgerImportRow: LedgerImportRowTable
  ledgerMapping: LedgerMappingTable
  ledgerImportFile: LedgerImportFileTable
}

/** Tables of migration 0007: linkage groups, warnings, their delivery, and the job queue. */
export interface WarningTables {
  job: JobTable
  linkageGroup: LinkageGroupTable
  linkageMember: LinkageMemberTable
  warning: WarningTable
  warningStep: WarningStepTable
  warningRecipient: WarningRecipientTable
  delivery: DeliveryTable
  /** Migration 0013: server instances running the workers. */
  workerInstance: WorkerInstanceTable
  doorKnockTask: DoorKnockTaskTable
  inboundMessage: InboundMessageTable
  /** Migration 0016: escalation rounds, digests, door-knock lists. */
  escalationRound: EscalationRoundTable
  escalation: EscalationTable
  noticeDigestItem: NoticeDigestItemTable
  doorKnockPerson: DoorKnockPersonTable
  /** Migration 0017: CAP messages sent and received per warning. */
  capMessage: CapMessageTable
}

export interface JobTable {
  id: Generated<number>
  queue: string
  key: string | null
  payload: ColumnType<unknown, string | undefined, string>
  runAt: Timestamp
  attempts: Generated<number>
  maxAttempts: Generated<number>
  lockedBy: string | null
  lockedUntil: Date | null
  lastError: string | null
  doneAt: Date | null
  failedAt: Date | null
  createdAt: Generated<Date>
}

export interface LinkageGroupTable {
  id: Generated<number>
  regionCode: string
  name: string
  kind: 'region' | 'custom'
  roles: ColumnType<string[], string[] | undefined, string[]>
  subtree: Generated<boolean>
  wecomWebhook: string | null
  dingtalkWebhook: string | null
  dingtalkSecret: string | null
  note: string | null
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface LinkageMemberTable {
  groupId: number
  personId: number
  excluded: Generated<boolean>
  note: string | null
}

export interface WarningTable {
  id: Generated<number>
  regionCode: string
  purpose: Generated<'warning' | 'drill'>
  status: Generated<'draft' | 'submitted' | 'issued' | 'cancelled' | 'ended'>
  identifier: string | null
  revision: Generated<number>
  eventClass: string
  eventType: string
  level: number
  headline: string
  description: string
  instruction: string
  areaDesc: string
  senderName: string
  onset: Timestamp
  expires: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  issuedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  target: Json
  channels: ColumnType<string[], string[], string[]>
  ladder: Json
  source: Generated<'manual' | 'cap'>
  sourceXml: string | null
  rejectedReason: string | null
  endReason: string | null
  endedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  fullyConfirmedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  createdBy: number | null
  submittedBy: number | null
  approvedBy: number | null
  /**
   * Who drafted, imported or edited its content; none of them may approve it (migration 0017).
   * Read as strings: node-pg parses int8 but not int8[].
   */
  authors: ColumnType<string[], number[] | undefined, number[]>
  /** The demo's draft warning (migration 0018). */
  isDemo: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

/** One CAP message a warning sent or received (migration 0017). */
export interface CapMessageTable {
  id: Generated<number>
  warningId: number
  direction: 'sent' | 'received'
  identifier: string
  sender: string
  sent: Date
  status: string
  msgType: 'Alert' | 'Update' | 'Cancel' | 'Ack' | 'Error'
  referenceList: string | null
  revision: number | null
  xml: string | null
  actorId: number | null
  createdAt: Generated<Date>
}

export interface WarningStepTable {
  id: Generated<number>
  warningId: number
  at: Timestamp
  kind: string
  actorId: number | null
  personId: number | null
  detail: Json
}

export interface WarningRecipientTable {
  warningId: number
  personId: number
  regionCode: string
  regionLevel: string
  reason: 'target' | 'group' | 'escalation'
  escalatedFrom: number | null
  state: Generated<'pending' | 'acknowledged' | 'escalated' | 'unreachable'>
  step: Generated<number>
  nextAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  acknowledgedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  ackChannel: string | null
  revision: Generated<number>
  createdAt: Generated<Date>
}

export interface DeliveryTable {
  id: Generated<number>
  warningId: number
  personId: number | null
  groupId: number | null
  channel: 'inapp' | 'sms' | 'voice' | 'email' | 'wecom' | 'dingtalk'
  address: string | null
  step: Generated<number>
  attempt: Generated<number>
  revision: Generated<number>
  aboutPersonId: number | null
  key: string
  state: Generated<'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'acknowledged' | 'escalated'>
  sendAfter: Timestamp
  lockedUntil: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** The worker instance sending it, while 'sending' (migration 0013). */
  lockedBy: number | null
  tries: Generated<number>
  providerId: string | null
  error: string | null
  queuedAt: Timestamp
  sentAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  deliveredAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  failedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  acknowledgedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** An escalation notice's round (migration 0016). */
  roundId: ColumnType<number | null, number | null | undefined, number | null>
}

/** Migration 0016: the people one door-knock task lists. */
export interface DoorKnockPersonTable {
  taskId: number
  warningId: number
  personId: number
  confirmedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  confirmedVia: string | null
}

/** Migration 0016: the silent people of one warning escalated together. */
export interface EscalationRoundTable {
  id: Generated<number>
  warningId: number
  revision: number
  number: number
  openedAt: Timestamp
}

/** Migration 0016: one silent person and one superior told about them, per round. */
export interface EscalationTable {
  roundId: number
  warningId: number
  personId: number
  superiorId: number
}

/** Migration 0016: a round's notice held back by the per-phone limit, sent within a digest. */
export interface NoticeDigestItemTable {
  deliveryId: number
  warningId: number
  roundId: number
  personId: number
}

export interface DoorKnockTaskTable {
  id: Generated<number>
  warningId: number
  /** The region that goes and knocks: the township for a village's people, else the area itself. */
  regionCode: string
  /** Whose people the task lists: a village, or a township or county for its own staff (migration 0016). */
  areaCode: string
  state: Generated<'open' | 'done'>
  result: string | null
  createdAt: Timestamp
  doneAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  doneBy: number | null
}

export interface InboundMessageTable {
  id: Generated<number>
  channel: string
  providerKey: string
  body: Json
  outcome: string
  receivedAt: Generated<Date>
  /** The gateway's message id of a receipt or call result still 'waiting' for its send to be recorded. */
  providerId: ColumnType<string | null, string | null | undefined, string | null>
}

/** A server instance running the background workers (migration 0013); alive while it holds its advisory lock or beats. */
export interface WorkerInstanceTable {
  id: Generated<number>
  host: string
  pid: number
  startedAt: Generated<Date>
  seenAt: Generated<Date>
}
