import type { ActorContext } from '@junction/contracts';
import { AuditEventRepository, type PrismaService } from '@junction/persistence';
import type { CredentialService } from '@junction/security';
import { AlertChannelRepository } from './alert-channel.repository';
import { AlertChannelSecrets } from './alert-channel.secrets';
import { AlertChannelSender } from './alert-channel.sender';
import type { AlertChannelCreated, AlertChannelTestResult, AlertChannelView } from './alert-channel.types';
import type { AlertHttpClient } from './alert-http.client';
import { CreateAlertChannelHandler } from './usecases/create-alert-channel/create-alert-channel.handler';
import { ListAlertChannelsHandler } from './usecases/list-alert-channels/list-alert-channels.handler';
import { RemoveAlertChannelHandler } from './usecases/remove-alert-channel/remove-alert-channel.handler';
import { TestAlertChannelHandler } from './usecases/test-alert-channel/test-alert-channel.handler';

/** The channel use cases behind one object: the admin API's controller and `junction alert-channels` call the same. */
export class AlertChannelAdmin {
  constructor(
    private readonly createHandler: CreateAlertChannelHandler,
    private readonly listHandler: ListAlertChannelsHandler,
    private readonly removeHandler: RemoveAlertChannelHandler,
    private readonly testHandler: TestAlertChannelHandler,
  ) {}

  /** Wires the use cases over one Prisma client and credential service (the CLI has no Nest application). */
  static create(prisma: PrismaService, credentials: CredentialService, http: AlertHttpClient): AlertChannelAdmin {
    const channels = new AlertChannelRepository(prisma);
    const secrets = new AlertChannelSecrets(credentials, channels);
    const audit = new AuditEventRepository(prisma);
    return new AlertChannelAdmin(
      new CreateAlertChannelHandler(channels, credentials, secrets, audit),
      new ListAlertChannelsHandler(channels, secrets),
      new RemoveAlertChannelHandler(channels, audit),
      new TestAlertChannelHandler(channels, secrets, new AlertChannelSender(http)),
    );
  }

  create(actor: ActorContext, body: unknown): Promise<AlertChannelCreated> {
    return this.createHandler.execute(actor, body);
  }

  list(actor: ActorContext): Promise<AlertChannelView[]> {
    return this.listHandler.execute(actor);
  }

  remove(actor: ActorContext, id: string): Promise<void> {
    return this.removeHandler.execute(actor, id);
  }

  test(actor: ActorContext, id: string): Promise<AlertChannelTestResult> {
    return this.testHandler.execute(actor, id);
  }
}
