/** HubSpot's default "Sales Pipeline" (id `default`) with its built-in stage ids and probabilities. */
export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed: 'true' | 'false'; probability: string };
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
}

const stage = (id: string, label: string, displayOrder: number, probability: string, isClosed = false): PipelineStage => ({
  id,
  label,
  displayOrder,
  metadata: { isClosed: isClosed ? 'true' : 'false', probability },
});

export const DEFAULT_PIPELINES: readonly Pipeline[] = [
  {
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    stages: [
      stage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
      stage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
      stage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
      stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
      stage('contractsent', 'Contract Sent', 4, '0.9'),
      stage('closedwon', 'Closed Won', 5, '1.0', true),
      stage('closedlost', 'Closed Lost', 6, '0.0', true),
    ],
  },
];

/** The `GET /crm/v3/pipelines/deals` shape: timestamps and `archived` on pipelines and stages. */
export function pipelinesResponse(pipelines: readonly Pipeline[], createdAt: string) {
  return {
    results: pipelines.map((p) => ({
      ...p,
      stages: p.stages.map((s) => ({ ...s, createdAt, updatedAt: createdAt, archived: false, writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT' })),
      createdAt,
      updatedAt: createdAt,
      archived: false,
    })),
  };
}
