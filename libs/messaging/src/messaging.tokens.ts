/** DI token of the process's MessageBus (one per app; standalone apps share a MemoryBroker, not a bus). */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
/** DI token of the options MessagingModule.forRoot was given. */
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
