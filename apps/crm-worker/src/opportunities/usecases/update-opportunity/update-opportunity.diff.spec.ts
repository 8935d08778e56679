import type { CrmOpportunity } from '../../../crm/crm.port';
import { diff } from './update-opportunity.handler';

const current: CrmOpportunity = { id: '1', name: 'D', pipelineId: 'default', stageId: 'qualifiedtobuy', amount: 1500.1, closeDate: '2026-06-30' };

describe('update-opportunity diff', () => {
  it('names only the fields that differ', () => {
    expect(diff(current, { stage: 'qualifiedtobuy', amount: 1500.1, closeDate: '2026-06-30' })).toEqual({ changes: {}, changed: [] });
    expect(diff(current, { stage: 'closedwon', amount: 1500.1 })).toEqual({ changes: { stageId: 'closedwon' }, changed: ['stage'] });
    expect(diff(current, { closeDate: '2026-07-01' })).toEqual({ changes: { closeDate: '2026-07-01' }, changed: ['closeDate'] });
  });

  it('compares amounts in cents, and writes an amount to a deal that has none', () => {
    expect(diff({ ...current, amount: 0.1 + 0.2 }, { amount: 0.3 }).changed).toEqual([]);
    expect(diff(current, { amount: 1500.11 }).changed).toEqual(['amount']);
    expect(diff({ ...current, amount: null }, { amount: 0 }).changed).toEqual(['amount']);
  });
});
