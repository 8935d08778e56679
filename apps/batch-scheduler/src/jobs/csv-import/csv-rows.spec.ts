import { BatchJobError } from '../shared/batch-job.error';
import { batchCommandId } from '../shared/command-id';
import type { BatchItem } from '../shared/paced-publisher';
import { mapHeader } from './csv-columns';
import { countDataRows, csvImportItems } from './csv-rows';

const RUN = '0192f0c4-1111-7aaa-8bbb-123456789abc';
const bytes = (text: string) => new TextEncoder().encode(text);

async function items(text: string, target: 'erp.customer' | 'crm.lead' = 'erp.customer'): Promise<BatchItem[]> {
  const out: BatchItem[] = [];
  for await (const item of csvImportItems({ runId: RUN, tenantId: 'acme', target, bytes: bytes(text) })) out.push(item);
  return out;
}

async function failure(text: string, target: 'erp.customer' | 'crm.lead' = 'erp.customer'): Promise<BatchJobError> {
  try {
    await items(text, target);
  } catch (error) {
    if (error instanceof BatchJobError) return error;
    throw error;
  }
  throw new Error('expected the import to fail');
}

describe('CSV import rows', () => {
  it('turns valid rows into commands with ids from (run, row), and invalid rows into errors naming the columns', async () => {
    const csv = '\uFEFFcustomer_name,Customer Type,email_id\nAcme Ltd,Company,ops@acme.test\n,Company,\nBeta,Partner,not-an-email\n"Gamma, Inc",,\n';
    const out = await items(csv);
    expect(out).toHaveLength(4);
    const [first, second, third, fourth] = out;
    expect(first).toMatchObject({ row: 1, message: { id: batchCommandId(RUN, 1), type: 'erp.customer.create', tenantId: 'acme', correlationId: RUN } });
    expect('message' in first! && first.message.payload).toEqual({ customerName: 'Acme Ltd', customerType: 'Company', email: 'ops@acme.test' });
    expect(second).toMatchObject({ row: 2, error: { row: 2, code: 'ROW_INVALID' } });
    expect('error' in second! && second.error.message).toMatch(/^line 3: customer_name: /);
    expect(third).toMatchObject({ row: 3, error: { row: 3, key: 'Beta', code: 'ROW_INVALID' } });
    // Both bad columns, by the names the file gave them, and never the values.
    const message = 'error' in third! ? third.error.message : '';
    expect(message).toContain('Customer Type:');
    expect(message).toContain('email_id:');
    expect(message).not.toContain('not-an-email');
    // An empty cell is an absent field: the contract's default customer type applies.
    expect('message' in fourth! && fourth.message.payload).toEqual({ customerName: 'Gamma, Inc', customerType: 'Company' });
  });

  it('reports a row with the wrong number of values without failing the file', async () => {
    const out = await items('email,first_name\na@x.test,Ann,extra\nb@x.test,Bob\n', 'crm.lead');
    expect(out[0]).toMatchObject({ row: 1, error: { code: 'ROW_COLUMN_COUNT', key: 'a@x.test' } });
    expect(out[1]).toMatchObject({ row: 2, message: { type: 'crm.lead.create', payload: { email: 'b@x.test', firstName: 'Bob' } } });
  });

  it('fails the run on a header the target cannot take', async () => {
    expect((await failure('first_name\nAnn\n', 'crm.lead')).code).toBe('CSV_MISSING_COLUMN');
    const unknown = await failure('customer_name,emial\nAcme,a@x.test\n');
    expect(unknown.code).toBe('CSV_UNKNOWN_COLUMN');
    expect(unknown.message).toContain('"emial"');
    expect((await failure('email,Email\n', 'crm.lead')).code).toBe('CSV_DUPLICATE_COLUMN');
    expect((await failure('')).code).toBe('CSV_EMPTY');
    expect((await failure('customer_name\n"Acme\n')).code).toBe('CSV_MALFORMED');
  });

  it('counts data rows without the header and empty lines', async () => {
    expect(await countDataRows(bytes('customer_name\nA\n\nB\n'))).toBe(2);
    expect(await countDataRows(bytes(''))).toBe(0);
  });

  it('accepts camelCase and spaced spellings of a column', () => {
    expect(mapHeader('crm.lead', ['E-mail', 'firstName', 'Job Title']).fields).toEqual(['email', 'firstName', 'jobTitle']);
  });
});
