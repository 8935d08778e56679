import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { MessageBus } from '../bus/message-bus.port';
import { assertPublishable, toOutgoing } from '../publishing/outgoing-message';

/**
 * Nest ClientProxy over the MessageBus: `client.emit('erp.customer.create', message)` publishes the envelope
 * to its topic. Events only: Junction's messaging is fire-and-forget with events back, never RPC.
 * Prefer MessagePublisher (outbox) when the message accompanies a database change.
 */
export class JunctionClient extends ClientProxy {
  constructor(private readonly bus: MessageBus) {
    super();
  }

  async connect(): Promise<void> {
    await this.bus.connect();
  }

  async close(): Promise<void> {
    // The bus belongs to the app, which closes it on shutdown; a client must not close it under others.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const message = assertPublishable(packet.data);
    if (message.type !== packet.pattern) {
      throw new Error(`pattern ${String(packet.pattern)} does not match the envelope type ${message.type}`);
    }
    await this.bus.publish([toOutgoing(message)]);
    return undefined as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('JunctionClient supports events (emit) only, not request-response (send)'), isDisposed: true });
    return () => undefined;
  }
}
