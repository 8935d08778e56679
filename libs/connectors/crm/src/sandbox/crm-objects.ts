import type { PropertyError } from './hubspot-errors';
import type { Pipeline } from './deal-pipelines';

export type CrmObjectType = 'contacts' | 'deals';
export const OBJECT_TYPES: readonly CrmObjectType[] = ['contacts', 'deals'];

/** A stored CRM record. Every property value is a string (or null), as HubSpot returns them. */
export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;

type PropertyKind = 'string' | 'email' | 'number' | 'datetime' | { options: readonly string[] } | 'dealstage' | 'pipeline';

const CONTACT_PROPERTIES: Record<string, PropertyKind> = {
  email: 'email',
  firstname: 'string',
  lastname: 'string',
  phone: 'string',
  company: 'string',
  website: 'string',
  jobtitle: 'string',
  city: 'string',
  country: 'string',
  hs_lead_status: { options: ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'] },
  lifecyclestage: { options: LIFECYCLE_STAGES },
};

const DEAL_PROPERTIES: Record<string, PropertyKind> = {
  dealname: 'string',
  amount: 'number',
  closedate: 'datetime',
  dealstage: 'dealstage',
  pipeline: 'pipeline',
  hubspot_owner_id: 'string',
  description: 'string',
  dealtype: { options: ['newbusiness', 'existingbusiness'] },
};

/** Read-only properties HubSpot maintains itself; writing them is a validation error. */
const READ_ONLY = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);

export const SCHEMAS: Record<CrmObjectType, Record<string, PropertyKind>> = { contacts: CONTACT_PROPERTIES, deals: DEAL_PROPERTIES };

/** What GET/list return when the caller names no `properties`. */
export const DEFAULT_PROPERTIES: Record<CrmObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Validates a property write (create or PATCH) against the object's schema. `existing` is the stored
 * record on PATCH, so a stage is checked against the pipeline the deal ends up in.
 */
export function validateProperties(
  type: CrmObjectType,
  input: Record<string, unknown>,
  pipelines: readonly Pipeline[],
  existing?: Record<string, string | null>,
): { values: Record<string, string | null>; errors: PropertyError[] } {
  const schema = SCHEMAS[type];
  const values: Record<string, string | null> = {};
  const errors: PropertyError[] = [];
  for (const [name, raw] of Object.entries(input)) {
    const kind = schema[name];
    if (!kind || READ_ONLY.has(name)) {
      errors.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (raw === null || raw === '') {
      values[name] = null;
      continue;
    }
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : JSON.stringify(raw);
    const problem = checkValue(name, kind, value);
    if (problem) errors.push(problem);
    else values[name] = kind === 'email' ? value.toLowerCase() : value;
  }
  if (type === 'deals') errors.push(...checkStage(values, pipelines, existing));
  return { values, errors };
}

function checkValue(name: string, kind: PropertyKind, value: string): PropertyError | undefined {
  if (kind === 'email' && !EMAIL.test(value)) return { name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` };
  if (kind === 'number' && !Number.isFinite(Number(value))) {
    return { name, error: 'INVALID_INTEGER', message: `${value} is not a valid number` };
  }
  if (kind === 'datetime' && Number.isNaN(/^\d+$/.test(value) ? Number(value) : Date.parse(value))) {
    return { name, error: 'INVALID_DATE', message: `${value} is not a valid date` };
  }
  if (typeof kind === 'object' && !kind.options.includes(value)) {
    return { name, error: 'INVALID_OPTION', message: `${value} was not one of the allowed options: [${kind.options.join(', ')}]` };
  }
  return undefined;
}

/** HubSpot rejects a deal whose `dealstage` is not a stage of its `pipeline` (default pipeline if unset). */
function checkStage(values: Record<string, string | null>, pipelines: readonly Pipeline[], existing?: Record<string, string | null>): PropertyError[] {
  const pipelineId = values.pipeline ?? existing?.pipeline ?? pipelines[0]?.id ?? 'default';
  const pipeline = pipelines.find((p) => p.id === pipelineId);
  if (!pipeline) {
    return [{ name: 'pipeline', error: 'INVALID_OPTION', message: `${pipelineId} was not one of the allowed options: [${pipelines.map((p) => p.id).join(', ')}]` }];
  }
  const stage = 'dealstage' in values ? values.dealstage : existing?.dealstage;
  if (stage && !pipeline.stages.some((s) => s.id === stage)) {
    return [
      {
        name: 'dealstage',
        error: 'INVALID_OPTION',
        message: `${stage} was not one of the allowed options: [${pipeline.stages.map((s) => s.id).join(', ')}]`,
      },
    ];
  }
  return [];
}

/** The response shape of one object: only the requested properties (plus the ones HubSpot always adds). */
export function present(type: CrmObjectType, obj: CrmObject, requested?: string[]) {
  const names = requested && requested.length > 0 ? [...new Set([...requested, 'createdate', 'hs_object_id', lastModifiedName(type)])] : DEFAULT_PROPERTIES[type];
  const properties: Record<string, string | null> = {};
  for (const name of names) properties[name] = obj.properties[name] ?? null;
  return { id: obj.id, properties, createdAt: obj.createdAt, updatedAt: obj.updatedAt, archived: obj.archived };
}

export function lastModifiedName(type: CrmObjectType): string {
  return type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

export function parsePropertyList(value: string | null | undefined | unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
