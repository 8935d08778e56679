/** Standalone Reddit sandbox for manual use: `PORT=8002 [HOST=0.0.0.0] node dist/.../main.js`. */
import { RedditSandbox } from './reddit.sandbox';

async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '8002', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  const sandbox = new RedditSandbox();
  const [first] = sandbox.seedPosts('junction', 60);
  sandbox.seedComments(first!.id, 5);
  const { url } = await sandbox.start(port, host);
  console.log(`Reddit sandbox listening on ${url} (POST /api/v1/access_token with Basic sandbox-client:sandbox-secret)`);
  const shutdown = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
