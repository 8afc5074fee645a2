import { Type, type Static, type TSchema } from 'typebox'
import { RESPONSIBILITY_ROLE_KEYS } from '../../../domain/people/units.js'
import { CHANNEL_KEYS, DELIVERY_STATES, RECIPIENT_STATES } from '../../../domain/warnings/delivery.js'
import { EVENT_CLASS_KEYS, WARNING_PURPOSES, WARNING_STATUSES } from '../../../domain/warnings/levels.js'
import { Distance, Id, Latitude, Longitude, Page, PageSize, Version } from '../../schema/numbers.js'

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Time = Type.String({ format: 'date-time' })
const NullableTime = nullable(Time)
const Reason = Type.String({ minLength: 1, maxLength: 500, title: '原因' })

export const RegionCode = Type.String({ pattern: '^[0-9]{12}$', title: '发布区划', description: '12 位统计用区划代码；预警范围只能在其下' })

/** Largest circle a warning may target; a province fits, a wrong unit (metres for km) does not. */
export const MAX_RADIUS_KM = 500

export const IdParam = Type.Object({ id: Id('预警编号') })
export const RecipientParam = Type.Object({ id: Id('预警编号'), personId: Id('人员编号') })
export const TaskParam = Type.Object({ id: Id('任务编号') })

export const VersionQuery = Type.Object({ version: Version() }, { additionalProperties: false })

const page = {
  page: Type.Optional(Page({ default: 1 })),
  pageSize: Type.Optional(PageSize(200, { default: 20 })),
}

export const Channel = Type.Enum(CHANNEL_KEYS, { title: '发送渠道' })
export const Level = Type.Integer({ minimum: 1, maximum: 4, title: '预警级别', description: '1 红色（最高）、2 橙色、3 黄色、4 蓝色' })

// The schema bounds each number; input.ts then names the ring and the point of a bad position.
const LatLng = Type.Tuple([Latitude(), Longitude()])

export const WarningTarget = Type.Object({
  regions: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{12}$', title: '预警区划' }), { maxItems: 500, uniqueItems: true, title: '预警区划', description: '每个区划代表其全部下级' })),
  polygons: Type.Optional(Type.Array(Type.Array(LatLng, { maxItems: 2000, title: '多边形' }), { maxItems: 50, title: '多边形', description: '闭合环，[纬度, 经度]，WGS84，至少 4 个点且首尾相同' })),
  circles: Type.Optional(Type.Array(Type.Object({
    lat: Latitude('圆心纬度'),
    lng: Longitude('圆心经度'),
    radiusKm: Distance('半径（公里）', MAX_RADIUS_KM),
  }, { additionalProperties: false }), { maxItems: 50, title: '圆形区域' })),
  roles: Type.Optional(Type.Array(Type.Enum(RESPONSIBILITY_ROLE_KEYS, { title: '职责' }), { uniqueItems: true, title: '职责', description: '为空时为默认的预警责任人职责' })),
  groupIds: Type.Optional(Type.Array(Id('联动工作群'), { maxItems: 100, uniqueItems: true, title: '联动工作群' })),
}, { additionalProperties: false, title: '预警范围' })
export type WarningTargetInput = Static<typeof WarningTarget>

/**
 * Nullable inputs as one JSON type list rather than a union: with type coercion on, a union's
 * first branch would turn null into 0 or "" before the null branch is tried.
 */
const nullableMinutes = (title: string) =>
  Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0, maximum: 1440, title })
const nullableTime = (title: string) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time', title })

export const LadderPolicy = Type.Object({
  wave1: Type.Array(Channel, { uniqueItems: true, title: '首轮渠道' }),
  voiceAfterMinutes: nullableMinutes('未确认多少分钟后语音呼叫'),
  voiceAttempts: Type.Integer({ minimum: 0, maximum: 10, title: '语音呼叫次数' }),
  voiceWindowMinutes: Type.Integer({ minimum: 0, maximum: 120, title: '语音重拨时间窗（分钟）' }),
  escalateAfterMinutes: nullableMinutes('未确认多少分钟后上报上级'),
  escalate: Type.Boolean({ title: '上报上级叫应' }),
  doorKnock: Type.Boolean({ title: '上门叫应' }),
  nightStartsAtVoice: Type.Boolean({ title: '夜间直接语音呼叫' }),
  nightHours: Type.Tuple([
    Type.Integer({ minimum: 0, maximum: 23, title: '夜间开始（时）' }),
    Type.Integer({ minimum: 0, maximum: 23, title: '夜间结束（时）' }),
  ], { title: '夜间时段' }),
}, { additionalProperties: false, title: '叫应策略' })

const warningFields = {
  purpose: Type.Optional(Type.Enum(Object.keys(WARNING_PURPOSES), { title: '用途', description: 'warning 预警（默认）；drill 通联演练' })),
  regionCode: RegionCode,
  eventClass: Type.Enum(EVENT_CLASS_KEYS, { title: '事件类别' }),
  eventType: Type.String({ minLength: 1, maxLength: 50, title: '事件类型' }),
  level: Level,
  headline: Type.String({ minLength: 1, maxLength: 200, title: '标题' }),
  description: Type.String({ minLength: 1, maxLength: 4000, title: '警示事项' }),
  instruction: Type.String({ minLength: 1, maxLength: 4000, title: '应当采取的措施' }),
  areaDesc: Type.String({ minLength: 1, maxLength: 1000, title: '可能影响的范围' }),
  senderName: Type.String({ minLength: 1, maxLength: 100, title: '发布单位' }),
  onset: Type.String({ format: 'date-time', title: '起始时间' }),
  expires: Type.Optional(nullableTime('失效时间')),
  target: WarningTarget,
  channels: Type.Array(Channel, { minItems: 1, uniqueItems: true, title: '发送渠道' }),
  ladder: Type.Optional(LadderPolicy),
}

export const WarningInput = Type.Object(warningFields, { additionalProperties: false, description: '未提供叫应策略时按级别取默认策略' })
export type WarningInput = Static<typeof WarningInput>

export const WarningDraftUpdate = Type.Object({ ...warningFields, version: Version() }, { additionalProperties: false, description: '整体替换草稿' })
export type WarningDraftUpdate = Static<typeof WarningDraftUpdate>

export const VersionBody = Type.Object({ version: Version() }, { additionalProperties: false })
export type VersionBody = Static<typeof VersionBody>

export const SubmitBody = Type.Object({
  version: Version(),
  acknowledgeSketchPositions: Type.Optional(Type.Boolean({
    title: '已知悉示意位置',
    description: '多边形或圆形范围内有只有示意位置（系统自动摆放）的村（社区）时必须为 true：这些村可能被错误地圈入或漏掉',
  })),
}, { additionalProperties: false })
export type SubmitBody = Static<typeof SubmitBody>

export const ReasonBody = Type.Object({ version: Version(), reason: Reason }, { additionalProperties: false })
export type ReasonBody = Static<typeof ReasonBody>

export const WarningRevision = Type.Object({
  version: Version(),
  headline: Type.Optional(warningFields.headline),
  description: Type.Optional(warningFields.description),
  instruction: Type.Optional(warningFields.instruction),
  areaDesc: Type.Optional(warningFields.areaDesc),
  level: Type.Optional(Level),
  expires: Type.Optional(nullableTime('失效时间')),
}, { additionalProperties: false, description: '已发布预警的更新：产生新的修订号并重新发送' })
export type WarningRevision = Static<typeof WarningRevision>

export const PreviewInput = Type.Object({
  regionCode: RegionCode,
  target: WarningTarget,
}, { additionalProperties: false })
export type PreviewInput = Static<typeof PreviewInput>

export const Preview = Type.Object({
  total: Type.Integer(),
  byLevel: Type.Object({ city: Type.Integer(), county: Type.Integer(), township: Type.Integer(), village: Type.Integer() }),
  withoutMobile: Type.Integer(),
  groups: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), count: Type.Integer() })),
})

export const DrillInput = Type.Object({
  regionCode: RegionCode,
  target: WarningTarget,
  channels: Type.Array(Channel, { minItems: 1, uniqueItems: true, title: '发送渠道' }),
  message: Type.Optional(Type.String({ minLength: 1, maxLength: 200, title: '演练消息' })),
}, { additionalProperties: false })
export type DrillInput = Static<typeof DrillInput>

export const WarningListQuery = Type.Object({
  status: Type.Optional(Type.Enum(Object.keys(WARNING_STATUSES), { title: '状态' })),
  purpose: Type.Optional(Type.Enum(Object.keys(WARNING_PURPOSES), { title: '用途' })),
  level: Type.Optional(Level),
  q: Type.Optional(Type.String({ maxLength: 50, title: '关键词' })),
  ...page,
}, { additionalProperties: false })
export type WarningListQuery = Static<typeof WarningListQuery>

const Counts = Type.Object({
  recipients: Type.Integer(),
  acknowledged: Type.Integer(),
  pending: Type.Integer({ description: '未确认（含已升级叫应）' }),
  unreachable: Type.Integer(),
})

export const WarningSummary = Type.Object({
  id: Type.Integer(),
  purpose: Type.String(),
  status: Type.String(),
  identifier: nullable(Type.String()),
  revision: Type.Integer(),
  eventClass: Type.String(),
  eventType: Type.String(),
  level: Type.Integer(),
  headline: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  issuedAt: NullableTime,
  onset: Time,
  expires: NullableTime,
  createdAt: Time,
  createdBy: nullable(Type.Integer()),
  authors: Type.Array(Type.Integer(), { description: '起草、导入或修改过该预警的账号；双人审批时他们不能审批发布' }),
  counts: Counts,
})
export type WarningSummary = Static<typeof WarningSummary>

export const WarningPage = Type.Object({ items: Type.Array(WarningSummary), total: Type.Integer() })

export const TimelineEntry = Type.Object({
  at: Time,
  kind: Type.String(),
  text: Type.String(),
})
export type TimelineEntry = Static<typeof TimelineEntry>

const StoredTarget = Type.Object({
  regions: Type.Array(Type.String()),
  polygons: Type.Array(Type.Array(Type.Tuple([Type.Number(), Type.Number()]))),
  circles: Type.Array(Type.Object({ lat: Type.Number(), lng: Type.Number(), radiusKm: Type.Number() })),
  roles: Type.Array(Type.String()),
  groupIds: Type.Array(Type.Integer()),
})

export const Warning = Type.Object({
  id: Type.Integer(),
  purpose: Type.String(),
  status: Type.String(),
  identifier: nullable(Type.String()),
  revision: Type.Integer(),
  regionCode: Type.String(),
  regionName: Type.String(),
  eventClass: Type.String(),
  eventType: Type.String(),
  level: Type.Integer(),
  headline: Type.String(),
  description: Type.String(),
  instruction: Type.String(),
  areaDesc: Type.String(),
  senderName: Type.String(),
  onset: Time,
  expires: NullableTime,
  issuedAt: NullableTime,
  target: StoredTarget,
  channels: Type.Array(Type.String()),
  ladder: LadderPolicy,
  source: Type.String(),
  rejectedReason: nullable(Type.String()),
  endReason: nullable(Type.String()),
  endedAt: NullableTime,
  fullyConfirmedAt: NullableTime,
  createdBy: nullable(Type.Integer()),
  createdByName: nullable(Type.String()),
  submittedBy: nullable(Type.Integer()),
  approvedBy: nullable(Type.Integer()),
  approvedByName: nullable(Type.String()),
  authors: Type.Array(Type.Integer(), { description: '起草、导入或修改过该预警的账号；双人审批时他们不能审批发布' }),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  steps: Type.Array(TimelineEntry, { description: '最近 50 步，新的在前' }),
})
export type Warning = Static<typeof Warning>

export const Ok = Type.Object({ ok: Type.Boolean() })

// ---- live board ----

const StateCounts = {
  recipients: Type.Integer(),
  acknowledged: Type.Integer(),
  pending: Type.Integer(),
  escalated: Type.Integer(),
  unreachable: Type.Integer(),
  silent: Type.Integer({ description: '未叫醒：已语音呼叫仍未确认、已升级或联系不上（与未叫醒名单一致）' }),
}

export const BoardQuery = Type.Object({
  region: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '按该区划的直接下级分组；默认预警的发布区划' })),
}, { additionalProperties: false })
export type BoardQuery = Static<typeof BoardQuery>

export const Board = Type.Object({
  warningId: Type.Integer(),
  status: Type.String(),
  issuedAt: NullableTime,
  fullyConfirmedAt: NullableTime,
  secondsToFull: nullable(Type.Integer()),
  totals: Type.Object(StateCounts),
  confirmedPercent: Type.Number({ description: '已确认占接收人的百分比，一位小数；有人确认即不为 0，未全部确认不为 100' }),
  byLevel: Type.Array(Type.Object({ level: Type.String(), ...StateCounts })),
  byRegion: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...StateCounts }, { description: '“本级”行为该区划本身的人员' })),
  channels: Type.Array(Type.Object({
    channel: Type.String(),
    queued: Type.Integer(),
    sent: Type.Integer(),
    delivered: Type.Integer(),
    failed: Type.Integer(),
    acknowledged: Type.Integer(),
  })),
  timeline: Type.Array(TimelineEntry, { description: '最近 50 步，新的在前；同一分钟的同类逐人记录合并为一条' }),
  curve: Type.Array(Type.Object({
    at: Time,
    acknowledged: Type.Integer({ description: '截至该时刻累计确认人数' }),
    recipients: Type.Integer({ description: '截至该时刻累计接收人数（含升级加入的上级）' }),
  }), { description: '确认进度曲线，从发布时起，最多约 60 个点' }),
})
export type Board = Static<typeof Board>

export const RecipientListQuery = Type.Object({
  state: Type.Optional(Type.Enum(Object.keys(RECIPIENT_STATES), { title: '确认状态' })),
  region: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', title: '区划', description: '只看该区划及其下级的人员' })),
  level: Type.Optional(Type.Enum(['province', 'city', 'county', 'township', 'village'], { title: '层级' })),
  q: Type.Optional(Type.String({ maxLength: 50, title: '关键词' })),
  ...page,
}, { additionalProperties: false })
export type RecipientListQuery = Static<typeof RecipientListQuery>

export const RecipientRow = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  regionCode: Type.String(),
  regionName: Type.String(),
  regionLevel: Type.String(),
  mobile: nullable(Type.String({ description: '无“查看完整电话”权限时脱敏' })),
  reason: Type.String(),
  escalatedFromName: nullable(Type.String()),
  state: Type.String(),
  step: Type.Integer(),
  acknowledgedAt: NullableTime,
  ackChannel: nullable(Type.String()),
  lastAttemptAt: NullableTime,
})
export type RecipientRow = Static<typeof RecipientRow>

export const RecipientPage = Type.Object({ items: Type.Array(RecipientRow), total: Type.Integer() })

export const RecipientDetail = Type.Object({
  person: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    post: nullable(Type.String()),
    regionCode: Type.String(),
    regionName: Type.String(),
    mobile: nullable(Type.String()),
    email: nullable(Type.String()),
  }),
  recipient: Type.Object({
    reason: Type.String(),
    escalatedFromName: nullable(Type.String()),
    state: Type.String(),
    step: Type.Integer(),
    nextAt: NullableTime,
    acknowledgedAt: NullableTime,
    ackChannel: nullable(Type.String()),
    revision: Type.Integer(),
    createdAt: Time,
  }),
  deliveries: Type.Array(Type.Object({
    id: Type.Integer(),
    channel: Type.String(),
    step: Type.Integer(),
    attempt: Type.Integer(),
    revision: Type.Integer(),
    state: Type.Enum(Object.keys(DELIVERY_STATES)),
    address: nullable(Type.String({ description: '脱敏显示' })),
    queuedAt: Time,
    sentAt: NullableTime,
    deliveredAt: NullableTime,
    failedAt: NullableTime,
    acknowledgedAt: NullableTime,
    error: nullable(Type.String()),
  })),
})
export type RecipientDetail = Static<typeof RecipientDetail>

export const SilentQuery = Type.Object(page, { additionalProperties: false })
export type SilentQuery = Static<typeof SilentQuery>

export const SilentRow = Type.Object({
  ...RecipientRow.properties,
  voiceAttempts: Type.Integer(),
  doorKnockTaskId: nullable(Type.Integer()),
  doorKnockState: nullable(Type.String({ description: 'open 待上门；done 已上门；null 未派任务' })),
  doorKnockResult: nullable(Type.String()),
})
export type SilentRow = Static<typeof SilentRow>

export const SilentPage = Type.Object({ items: Type.Array(SilentRow), total: Type.Integer() })

export const VillageState = Type.Object({
  code: Type.String(),
  name: Type.String(),
  lng: nullable(Type.Number()),
  lat: nullable(Type.Number()),
  positionSource: nullable(Type.Enum(['sketch', 'imported', 'manual', 'survey'], { description: 'sketch 为示意位置（系统自动摆放，不代表实际地点）' })),
  recipients: Type.Integer(),
  acknowledged: Type.Integer(),
  state: Type.Enum(['all', 'some', 'none']),
})
export type VillageState = Static<typeof VillageState>

export const VillageStates = Type.Array(VillageState)

// ---- door knocks ----

export const DoorKnockQuery = Type.Object({
  state: Type.Optional(Type.Enum(['open', 'done'], { title: '任务状态' })),
  warningId: Type.Optional(Id('预警编号')),
  ...page,
}, { additionalProperties: false })
export type DoorKnockQuery = Static<typeof DoorKnockQuery>

export const DoorKnockPerson = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  post: nullable(Type.String()),
  mobile: nullable(Type.String({ description: '脱敏显示；完整号码经审计的“查看完整电话”获取' })),
  confirmedAt: NullableTime,
  confirmedVia: nullable(Type.String({ description: 'door 上门告知；其他为本人确认的渠道' })),
})
export type DoorKnockPerson = Static<typeof DoorKnockPerson>

export const DoorKnockTask = Type.Object({
  id: Type.Integer(),
  warningId: Type.Integer(),
  headline: Type.String(),
  level: Type.Integer(),
  regionCode: Type.String({ description: '负责上门的乡镇街道（本级人员为该区划本身）' }),
  areaCode: Type.String({ description: '名单人员所在的村（社区），或乡镇、区县本级' }),
  areaName: Type.String(),
  state: Type.String(),
  result: nullable(Type.String()),
  createdAt: Time,
  doneAt: NullableTime,
  doneByName: nullable(Type.String()),
  people: Type.Array(DoorKnockPerson, { description: '需上门叫应的人员' }),
  open: Type.Integer({ description: '尚未确认的人数' }),
})
export type DoorKnockTask = Static<typeof DoorKnockTask>

export const DoorKnockPage = Type.Object({ items: Type.Array(DoorKnockTask), total: Type.Integer() })

export const DoorKnockDone = Type.Object({
  result: Type.String({ minLength: 1, maxLength: 500, title: '上门结果' }),
  reached: Type.Optional(Type.Array(Id('已当面告知的人员'), {
    maxItems: 1000, uniqueItems: true, title: '已当面告知的人员', description: '名单中已当面告知的人员；不填为名单中尚未确认的全部人员',
  })),
}, { additionalProperties: false })
export type DoorKnockDone = Static<typeof DoorKnockDone>
