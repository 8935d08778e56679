/** Standalone Reddit sandbox for manual use: `PORT=8002 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { RedditSandbox } from './reddit.sandbox';

const sandbox = new RedditSandbox();
const [first] = sandbox.seedPosts('junction', 60);
sandbox.seedComments(first!.id, 5);
runSandbox(sandbox, 8002, (url) => [`Reddit sandbox listening on ${url} (POST /api/v1/access_token with Basic sandbox-client:sandbox-secret)`]);
