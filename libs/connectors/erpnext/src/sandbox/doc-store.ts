/**
 * The sandbox site's database and Frappe's document lifecycle over it: insert (draft), save (draft edits,
 * or "Allow on Submit" fields), submit (docstatus 0 → 1), cancel (1 → 2), with Frappe's transition errors.
 * Every REST-visible change is appended to the ledger.
 */
import { randomBytes } from 'node:crypto';
import { FrappeErrors, frappeThrow, type FrappeMessage } from './frappe-responses';
import { QueryError, type Doc } from './frappe-query';
import { fail, type DocTypeContext, type DocTypeSpec, type SandboxCompany } from './doctype';

export type LedgerAction = 'created' | 'updated' | 'submitted' | 'cancelled' | 'status_updated';

export interface SandboxLedgerEntry {
  at: Date;
  method: string;
  path: string;
  doctype: string;
  name: string;
  action: LedgerAction;
  /** For status_updated: the new status. */
  status?: string;
}

const META = new Set(['name', 'owner', 'creation', 'modified', 'modified_by', 'docstatus', 'idx', 'doctype', 'parent', 'parentfield', 'parenttype']);

/** Frappe datetimes: site-local, no zone, microseconds. */
export function frappeDatetime(d: Date, micros: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000 + micros, 6)}`;
}

export class DocStore implements DocTypeContext {
  readonly ledger: SandboxLedgerEntry[] = [];
  private readonly tables = new Map<string, Map<string, Doc>>();
  private readonly seqOf = new WeakMap<Doc, number>();
  private readonly series = new Map<string, number>();
  private seq = 0;

  constructor(
    readonly specs: ReadonlyMap<string, DocTypeSpec>,
    readonly user: string,
    readonly company: SandboxCompany,
    readonly now: () => Date,
  ) {}

  clear(): void {
    this.tables.clear();
    this.series.clear();
    this.ledger.length = 0;
  }

  get(doctype: string, name: string): Doc | undefined {
    return this.tables.get(doctype)?.get(name.toLowerCase());
  }

  all(doctype: string): Doc[] {
    return [...(this.tables.get(doctype)?.values() ?? [])];
  }

  sequence(doc: Doc): number {
    return this.seqOf.get(doc) ?? 0;
  }

  nextName(series: string): string {
    const prefix = series.replace('.YYYY.', String(this.now().getFullYear())).replace(/\.$/, '');
    const n = (this.series.get(prefix) ?? 0) + 1;
    this.series.set(prefix, n);
    return `${prefix}${String(n).padStart(5, '0')}`;
  }

  insertInternal(doctype: string, doc: Doc): Doc {
    return this.store(doctype, doc);
  }

  insert(doctype: string, body: Record<string, unknown>, path: string): { doc: Doc; messages: FrappeMessage[] } {
    const spec = this.writable(doctype);
    if (!spec.insert) throw new QueryError(FrappeErrors.notPermitted());
    const { doc, messages = [] } = spec.insert(body, this);
    const stored = this.store(doctype, doc);
    this.record('POST', path, stored, 'created');
    return { doc: stored, messages };
  }

  /** PUT /api/resource: a patch; `docstatus` in it submits (0 → 1) or cancels (1 → 2) as Document.save does. */
  update(doctype: string, name: string, patch: Record<string, unknown>, path: string): Doc {
    const spec = this.writable(doctype);
    const doc = this.require(doctype, name);
    const { docstatus: target, ...fields } = patch;
    const from = Number(doc.docstatus ?? 0);
    const to = target === undefined ? from : Number(target);
    if (from === 2) fail('Cannot edit cancelled document', 'ValidationError');
    if (![0, 1, 2].includes(to) || (!spec.submittable && to !== 0) || to < from || (from === 0 && to === 2)) {
      fail(`Cannot change docstatus from ${from} to ${to}`, 'DocstatusTransitionError');
    }
    const changed = Object.keys(fields).filter((f) => !META.has(f) && JSON.stringify(fields[f]) !== JSON.stringify(doc[f]));
    if (from === 1) {
      const allowed = new Set(spec.allowOnSubmit ?? []);
      const refused = changed.find((f) => !allowed.has(f));
      if (refused) fail(`Not allowed to change ${refused} after submission`, 'UpdateAfterSubmitError', 'Cannot Update After Submit');
    }
    const snapshot = structuredClone(doc);
    if (changed.length > 0) {
      const merged = { ...doc };
      for (const f of changed) merged[f] = fields[f];
      const saved = from === 0 && spec.save ? spec.save(merged, this) : merged;
      this.replaceFields(doctype, doc, saved);
    }
    if (to === 1 && from === 0) {
      try {
        return this.submit(doctype, doc, path);
      } catch (error) {
        // One transaction on a real site: a failed submit also rolls the saved fields back.
        this.replaceFields(doctype, doc, snapshot);
        throw error;
      }
    }
    if (to === 2) return this.cancel(doctype, name, path);
    if (changed.length > 0) {
      this.touch(doc);
      this.record('PUT', path, doc, 'updated');
    }
    return doc;
  }

  /** frappe.client.cancel */
  cancel(doctype: string, name: string, path: string): Doc {
    const spec = this.writable(doctype);
    const doc = this.require(doctype, name);
    if (!spec.submittable) fail(`Cannot cancel ${doctype}: it is not submittable`, 'ValidationError');
    if (doc.docstatus === 0) fail('Cannot change docstatus from 0 to 2', 'DocstatusTransitionError');
    if (doc.docstatus === 2) fail('Cannot edit cancelled document', 'ValidationError');
    spec.onCancel?.(doc, this);
    this.setDocstatus(doc, 2);
    this.record(path.startsWith('/api/method') ? 'POST' : 'PUT', path, doc, 'cancelled');
    return doc;
  }

  recordStatus(path: string, doc: Doc): void {
    this.touch(doc);
    this.record('POST', path, doc, 'status_updated', String(doc.status));
  }

  require(doctype: string, name: string): Doc {
    const doc = this.get(doctype, name);
    if (!doc) throw new QueryError(FrappeErrors.docNotFound(doctype, name));
    return doc;
  }

  private submit(doctype: string, doc: Doc, path: string): Doc {
    this.specs.get(doctype)!.onSubmit?.(doc, this);
    this.setDocstatus(doc, 1);
    this.record('PUT', path, doc, 'submitted');
    return doc;
  }

  private writable(doctype: string): DocTypeSpec {
    const spec = this.specs.get(doctype);
    if (!spec) throw new QueryError(FrappeErrors.docTypeNotFound(doctype));
    if (spec.readOnly) throw new QueryError(frappeThrow(403, 'PermissionError', `No permission for ${doctype}`, { title: 'Not Permitted' }));
    return spec;
  }

  private setDocstatus(doc: Doc, docstatus: 0 | 1 | 2): void {
    doc.docstatus = docstatus;
    for (const field of Object.keys(this.specs.get(String(doc.doctype))?.children ?? {})) {
      for (const row of (doc[field] as Doc[] | undefined) ?? []) row.docstatus = docstatus;
    }
    this.touch(doc);
  }

  private touch(doc: Doc): void {
    this.seq += 1;
    doc.modified = frappeDatetime(this.now(), this.seq % 1000);
    doc.modified_by = this.user;
  }

  /** Keeps the stored object (its sequence) and swaps its fields for the saved ones. */
  private replaceFields(doctype: string, doc: Doc, saved: Doc): void {
    for (const k of Object.keys(doc)) if (!META.has(k)) delete doc[k];
    for (const [k, v] of Object.entries(saved)) if (!META.has(k)) doc[k] = v;
    this.stampChildren(doctype, doc, String(doc.creation));
  }

  private store(doctype: string, doc: Doc): Doc {
    this.seq += 1;
    const stamp = frappeDatetime(this.now(), this.seq % 1000);
    const stored: Doc = { name: doc.name, owner: this.user, creation: stamp, modified: stamp, modified_by: this.user, docstatus: 0, idx: 0, ...doc, doctype };
    this.stampChildren(doctype, stored, stamp);
    const table = this.tables.get(doctype) ?? new Map<string, Doc>();
    table.set(String(stored.name).toLowerCase(), stored);
    this.tables.set(doctype, table);
    this.seqOf.set(stored, this.seq);
    return stored;
  }

  private stampChildren(doctype: string, parent: Doc, stamp: string): void {
    for (const [field, childType] of Object.entries(this.specs.get(doctype)?.children ?? {})) {
      parent[field] = ((parent[field] as Doc[] | undefined) ?? []).map((row, i) => ({
        name: typeof row.name === 'string' ? row.name : randomBytes(5).toString('hex'),
        owner: this.user,
        creation: stamp,
        ...row,
        modified: parent.modified ?? stamp,
        modified_by: this.user,
        docstatus: parent.docstatus ?? 0,
        idx: i + 1,
        parent: parent.name,
        parentfield: field,
        parenttype: doctype,
        doctype: childType,
      }));
    }
  }

  private record(method: string, path: string, doc: Doc, action: LedgerAction, status?: string): void {
    const entry: SandboxLedgerEntry = { at: this.now(), method, path, doctype: String(doc.doctype), name: String(doc.name), action };
    if (status !== undefined) entry.status = status;
    this.ledger.push(entry);
  }
}
