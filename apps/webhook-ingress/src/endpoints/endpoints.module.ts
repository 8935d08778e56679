import { Module } from '@nestjs/common';
import { EndpointCache } from './endpoint.cache';

/** The one cached view of webhook endpoints in this app: the intake verifies with it, the router routes with it. */
@Module({
  providers: [EndpointCache],
  exports: [EndpointCache],
})
export class EndpointsModule {}
