/** Standalone LinkedIn sandbox for manual use: `PORT=8004 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { LINKEDIN_SANDBOX_CLIENT, LinkedInSandbox } from './linkedin.sandbox';

runSandbox(new LinkedInSandbox(), 8004, (url, sandbox) => [
  `LinkedIn sandbox listening on ${url} (client ${LINKEDIN_SANDBOX_CLIENT.id}; LinkedIn-Version: ${sandbox.latestVersion})`,
  `A ready access token for member sbxMember1 (admin of urn:li:organization:1001): ${sandbox.issueTokens().access_token}`,
]);
