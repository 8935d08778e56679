import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineCommand, definitionsOf, messagesByType } from './define-command';

/** LinkedIn organization id (the N of urn:li:organization:N). */
const organizationId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/**
 * The organization a command acts on. Optional where the connection names one (`config.organizationUrn`); a command
 * with neither is answered `<type>.failed` (PROVIDER_VALIDATION).
 */
const organizationOrDefault = organizationId.optional();
const organizationUrn = z.string().regex(/^urn:li:organization:\d{1,19}$/);
const personUrn = z.string().regex(/^urn:li:person:[A-Za-z0-9_-]{1,100}$/).max(120);
const postUrn = z.string().regex(/^urn:li:(share|ugcPost):\d{1,30}$/).max(60);
const roles = ['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER', 'ANALYST', 'RECRUITING_POSTER', 'LEAD_GEN_FORMS_MANAGER'] as const;
const role = z.enum(roles);
/** LinkedIn's Posts API limit on commentary. */
const commentary = z.string().trim().min(1).max(3_000);
const visibility = z.enum(['PUBLIC', 'CONNECTIONS', 'LOGGED_IN']).default('PUBLIC');
const roleList = z.array(z.string().max(60)).max(roles.length);
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * Whether the connection's member (the OAuth token's owner) administers the organization: an APPROVED ADMINISTRATOR
 * role in `organizationAcls?q=roleAssignee`. A "no" is an answer (`verified: false`), not a failure.
 */
export const linkedinOrganizationVerify = defineCommand({
  type: 'linkedin.organization.verify',
  topic: Topics.linkedinCommands,
  eventTopic: Topics.linkedinEvents,
  payload: z.strictObject({ organizationId: organizationOrDefault }),
  succeeded: {
    type: 'linkedin.organization.verified',
    payload: z.strictObject({
      commandId: z.uuid(),
      organizationUrn,
      /** The connection's member (from the role assignments), null when it has none at all. */
      memberUrn: personUrn.nullable(),
      /** An APPROVED ADMINISTRATOR role on the organization. */
      verified: z.boolean(),
      /** Every role the member holds on the organization, approved or not (`ADMINISTRATOR:REQUESTED` …). */
      roles: roleList,
    }),
  },
});

/**
 * What LinkedIn can prove about "works for": NOT employment (positions need partner-only profile access), but that
 * a member holds an APPROVED page role on the organization (organizationAcls), which the organization's
 * administrators granted. Without `memberUrn` the member is the connection's own (`q=roleAssignee`); with it, the
 * organization's role list is read (`q=organization`, which LinkedIn allows to the organization's ADMINISTRATORs
 * only: a connection without that role gets PROVIDER_FORBIDDEN and the command is dead-lettered).
 * `roles` narrows the roles that count (default: any role).
 */
export const linkedinEmployeeVerify = defineCommand({
  type: 'linkedin.employee.verify',
  topic: Topics.linkedinCommands,
  eventTopic: Topics.linkedinEvents,
  payload: z.strictObject({
    organizationId: organizationOrDefault,
    memberUrn: personUrn.optional(),
    roles: z.array(role).min(1).max(roles.length).optional(),
  }),
  succeeded: {
    type: 'linkedin.employee.verified',
    payload: z.strictObject({
      commandId: z.uuid(),
      organizationUrn,
      memberUrn: personUrn.nullable(),
      /** The member holds an APPROVED role (among `roles` when given) on the organization. */
      verified: z.boolean(),
      /** What was checked: an approved organization page role, never employment itself. */
      evidence: z.literal('organization_role'),
      approvedRoles: roleList,
      /** Roles asked for or granted but not approved (REQUESTED, REJECTED, REVOKED). */
      pendingRoles: roleList,
    }),
  },
});

export const linkedinOrganizationProfileGet = defineCommand({
  type: 'linkedin.organization-profile.get',
  topic: Topics.linkedinCommands,
  eventTopic: Topics.linkedinEvents,
  payload: z.strictObject({ organizationId: organizationOrDefault }),
  succeeded: {
    type: 'linkedin.organization-profile.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      organization: z.strictObject({
        id: organizationId,
        urn: organizationUrn,
        name: z.string().max(500),
        vanityName: z.string().max(500).optional(),
        website: z.string().max(2_000).optional(),
        type: z.string().max(100).optional(),
      }),
    }),
  },
});

const publishedPayload = {
  commandId: z.uuid(),
  /** The post's URN (x-restli-id). */
  postUrn,
  /** urn:li:organization:N */
  author: organizationUrn,
  /** True when an earlier attempt of this command had already published it (found by the author finder). */
  alreadyPublished: z.boolean(),
};

/**
 * A company update: a post as the organization. The command's id is its natural key: a redelivered command is
 * answered without a second post, and an attempt after a crash first looks for a post with the same commentary by
 * the same author (`GET /rest/posts?q=author`) before publishing.
 */
export const linkedinPostPublish = defineCommand({
  type: 'linkedin.post.publish',
  topic: Topics.linkedinCommands,
  eventTopic: Topics.linkedinEvents,
  payload: z.strictObject({ organizationId: organizationOrDefault, commentary, visibility }),
  succeeded: { type: 'linkedin.post.published', payload: z.strictObject(publishedPayload) },
});

/** A post sharing an article link (`content.article`), with the same idempotency as linkedin.post.publish. */
export const linkedinArticleShare = defineCommand({
  type: 'linkedin.article.share',
  topic: Topics.linkedinCommands,
  eventTopic: Topics.linkedinEvents,
  payload: z.strictObject({
    organizationId: organizationOrDefault,
    commentary,
    visibility,
    article: z.strictObject({
      source: z.url({ protocol: /^https?$/ }).max(2_000),
      title: z.string().trim().min(1).max(400),
      description: z.string().trim().min(1).max(4_086).optional(),
    }),
  }),
  succeeded: { type: 'linkedin.article.shared', payload: z.strictObject({ ...publishedPayload, source: z.string().max(2_000) }) },
});

const statistics = z.strictObject({
  impressionCount: count,
  uniqueImpressionsCount: count,
  clickCount: count,
  likeCount: count,
  commentCount: count,
  shareCount: count,
  shareMentionsCount: count,
  commentMentionsCount: count,
  /** LinkedIn's engagement rate ((clicks + likes + comments + shares) / impressions). */
  engagement: z.number().nonnegative().max(1e9),
});
export const MAX_ANALYTICS_INTERVALS = 92;

/**
 * Share statistics of an organization for a timeframe (`organizationalEntityShareStatistics` with `timeIntervals`),
 * or lifetime without one. `timeBound` says whether LinkedIn bound the answer to the timeframe (the sandbox does not:
 * lifetime totals). At most MAX_ANALYTICS_INTERVALS intervals travel in the event (the newest); the totals cover all.
 */
export const linkedinAnalyticsGet = defineCommand({
  type: 'linkedin.analytics.get',
  topic: Topics.linkedinCommands,
  eventTopic: Topics.linkedinEvents,
  payload: z.strictObject({
    organizationId: organizationOrDefault,
    timeframe: z
      .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), granularity: z.enum(['DAY', 'MONTH']).default('DAY') })
      .refine((t) => Date.parse(t.from) < Date.parse(t.to), { message: 'from must be before to' })
      .refine((t) => Date.parse(t.to) - Date.parse(t.from) <= 366 * 86_400_000, { message: 'at most 366 days' })
      .optional(),
  }),
  succeeded: {
    type: 'linkedin.analytics.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      organizationUrn,
      timeframe: z.strictObject({ from: z.string().max(40), to: z.string().max(40), granularity: z.enum(['DAY', 'MONTH']) }).nullable(),
      timeBound: z.boolean(),
      totals: statistics,
      intervals: z.array(z.strictObject({ start: z.iso.datetime(), end: z.iso.datetime(), statistics })).max(MAX_ANALYTICS_INTERVALS),
      /** Intervals left out of `intervals` (the oldest), counted in `totals`. */
      intervalsOmitted: count,
    }),
  },
});

/** Every linkedin.* message. */
export const linkedinMessages = messagesByType(
  ...definitionsOf(linkedinOrganizationVerify),
  ...definitionsOf(linkedinEmployeeVerify),
  ...definitionsOf(linkedinOrganizationProfileGet),
  ...definitionsOf(linkedinPostPublish),
  ...definitionsOf(linkedinArticleShare),
  ...definitionsOf(linkedinAnalyticsGet),
);

/** The commands linkedin-worker handles (its subscription's filter; each needs an @EventPattern handler). */
export const linkedinWorkerCommands = [
  linkedinOrganizationVerify.command.type,
  linkedinEmployeeVerify.command.type,
  linkedinOrganizationProfileGet.command.type,
  linkedinPostPublish.command.type,
  linkedinArticleShare.command.type,
  linkedinAnalyticsGet.command.type,
] as const;
