import { Controller, Get } from '@nestjs/common';
import { SchedulerLoop, type SchedulerView } from './scheduler.loop';

/**
 * `GET /health/scheduler`: is this replica the leader, since when, its runs in flight and last tick. Informational:
 * a follower is healthy and ready (it takes over when the leader goes), so this is not part of /health/ready.
 */
@Controller('health/scheduler')
export class SchedulerHealthController {
  constructor(private readonly loop: SchedulerLoop) {}

  @Get()
  view(): SchedulerView {
    return this.loop.view();
  }
}
