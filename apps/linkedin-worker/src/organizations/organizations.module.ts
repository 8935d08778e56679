import { Module } from '@nestjs/common';
import { OrganizationsConsumer } from './organizations.consumer';
import { GetOrganizationProfileHandler } from './usecases/get-organization-profile/get-organization-profile.handler';
import { VerifyEmployeeHandler } from './usecases/verify-employee/verify-employee.handler';
import { VerifyOrganizationHandler } from './usecases/verify-organization/verify-organization.handler';

/** Organization checks and profile (LinkedInModule, global, gives the connections and calls). */
@Module({
  controllers: [OrganizationsConsumer],
  providers: [VerifyOrganizationHandler, VerifyEmployeeHandler, GetOrganizationProfileHandler],
})
export class OrganizationsModule {}
