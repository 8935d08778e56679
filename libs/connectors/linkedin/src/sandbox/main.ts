/** Standalone LinkedIn sandbox for manual use: `PORT=8004 [HOST=0.0.0.0] node dist/.../main.js`. */
import { LINKEDIN_SANDBOX_CLIENT, LinkedInSandbox } from './linkedin.sandbox';

async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '8004', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  const sandbox = new LinkedInSandbox();
  const { url } = await sandbox.start(port, host);
  const { access_token } = sandbox.issueTokens();
  console.log(`LinkedIn sandbox listening on ${url} (client ${LINKEDIN_SANDBOX_CLIENT.id}; LinkedIn-Version: ${sandbox.latestVersion})`);
  console.log(`A ready access token for member sbxMember1 (admin of urn:li:organization:1001): ${access_token}`);
  const shutdown = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
