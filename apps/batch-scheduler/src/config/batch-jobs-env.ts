import { z } from 'zod';
import { isKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

/**
 * The batch jobs' settings (sync, CSV import/export, reconciliation). Provider reads (export, reconciliation) run on
 * the tenant's default connection when JUNCTION_KEK is set, else on the env credentials; with neither, a reading run
 * fails with NO_CONNECTION (batch-scheduler never starts a sandbox: an export must not quietly export a fake).
 */
export const batchJobsEnvShape = {
  /** Rows per checkpoint of an import or sync (outbox rows + progress in each commit). */
  BATCH_CHECKPOINT_ROWS: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Page size of ERPNext and CRM listings (export, reconciliation); the CRM's pages stop at 100. */
  BATCH_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Largest CSV POST /batch-files and `junction batch import` accept (bytes; default 20 MiB). */
  BATCH_FILE_MAX_BYTES: z.coerce.number().int().min(1_024).max(268_435_456).default(20 * 1_048_576),
  ERPNEXT_URL: z.url({ protocol: /^https?$/ }).optional(),
  ERPNEXT_API_KEY: z.string().min(1).optional(),
  ERPNEXT_API_SECRET: z.string().min(1).optional(),
  ERPNEXT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CRM_URL: z.url({ protocol: /^https?$/ }).optional(),
  CRM_ACCESS_TOKEN: z.string().min(1).optional(),
  CRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The key ring connection secrets are sealed with (the workers'): set, reads use the tenant's default connection. */
  JUNCTION_KEK: z.string().refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`).optional(),
};

const batchJobsEnvObject = z.object(batchJobsEnvShape);
type BatchJobsEnvInput = z.infer<typeof batchJobsEnvObject>;
export type BatchJobsEnv = BatchJobsEnvInput & { TENANT_ID: string };

export function refineBatchJobsEnv(env: Partial<BatchJobsEnvInput>, ctx: z.RefinementCtx): void {
  const erp = [env.ERPNEXT_URL, env.ERPNEXT_API_KEY, env.ERPNEXT_API_SECRET].filter(Boolean).length;
  if (erp !== 0 && erp !== 3) {
    for (const key of ['ERPNEXT_URL', 'ERPNEXT_API_KEY', 'ERPNEXT_API_SECRET'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'set ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET together (or none)' });
    }
  }
  if (Boolean(env.CRM_URL) !== Boolean(env.CRM_ACCESS_TOKEN)) {
    for (const key of ['CRM_URL', 'CRM_ACCESS_TOKEN'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'set CRM_URL and CRM_ACCESS_TOKEN together (or neither)' });
    }
  }
}
