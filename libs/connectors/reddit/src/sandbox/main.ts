/** Standalone Reddit sandbox for manual use: `PORT=8002 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { RedditSandbox } from './reddit.sandbox';

const sandbox = new RedditSandbox();
sandbox.seedCorpus('junction', { posts: 150 });
runSandbox(sandbox, 8002, (url) => [`Reddit sandbox listening on ${url} (POST /api/v1/access_token with Basic sandbox-client:sandbox-secret)`]);
