import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { GetOrganizationProfileHandler } from './usecases/get-organization-profile/get-organization-profile.handler';
import { VerifyEmployeeHandler } from './usecases/verify-employee/verify-employee.handler';
import { VerifyOrganizationHandler } from './usecases/verify-organization/verify-organization.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class OrganizationsConsumer {
  constructor(
    private readonly verifyOrganization: VerifyOrganizationHandler,
    private readonly verifyEmployee: VerifyEmployeeHandler,
    private readonly getProfile: GetOrganizationProfileHandler,
  ) {}

  @EventPattern('linkedin.organization.verify')
  async onVerifyOrganization(@Payload() command: MessageOf<'linkedin.organization.verify'>): Promise<void> {
    await this.verifyOrganization.execute(command);
  }

  @EventPattern('linkedin.employee.verify')
  async onVerifyEmployee(@Payload() command: MessageOf<'linkedin.employee.verify'>): Promise<void> {
    await this.verifyEmployee.execute(command);
  }

  @EventPattern('linkedin.organization-profile.get')
  async onGetProfile(@Payload() command: MessageOf<'linkedin.organization-profile.get'>): Promise<void> {
    await this.getProfile.execute(command);
  }
}
