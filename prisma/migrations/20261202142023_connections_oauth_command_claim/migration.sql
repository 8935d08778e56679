-- CreateTable
CREATE TABLE "integration_type" (
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "authMethods" TEXT[],
    "configSchema" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "integration_type_pkey" PRIMARY KEY ("slug")
);

-- CreateTable
CREATE TABLE "connection" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" TEXT NOT NULL,
    "typeSlug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "authMethod" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'configuring',
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "credentialId" UUID,
    "credentialRotatedAt" TIMESTAMPTZ(3),
    "lastTestedAt" TIMESTAMPTZ(3),
    "lastError" JSONB,
    "connectedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "connectionId" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_health" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "connectionId" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "errorClass" TEXT,
    "message" TEXT,
    "capabilities" JSONB NOT NULL DEFAULT '[]',
    "checkedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_health_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_token" (
    "connectionId" UUID NOT NULL,
    "credentialId" UUID NOT NULL,
    "tokenType" TEXT NOT NULL DEFAULT 'bearer',
    "scope" TEXT,
    "accessExpiresAt" TIMESTAMPTZ(3),
    "refreshExpiresAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "refreshedAt" TIMESTAMPTZ(3),
    "refreshLeaseUntil" TIMESTAMPTZ(3),
    "refreshLeaseOwner" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_token_pkey" PRIMARY KEY ("connectionId")
);

-- CreateTable
CREATE TABLE "oauth_state" (
    "state" TEXT NOT NULL,
    "connectionId" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "credentialId" UUID NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "returnTo" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "consumedAt" TIMESTAMPTZ(3),

    CONSTRAINT "oauth_state_pkey" PRIMARY KEY ("state")
);

-- CreateTable
CREATE TABLE "command_claim" (
    "consumer" TEXT NOT NULL,
    "messageId" UUID NOT NULL,
    "owner" TEXT NOT NULL,
    "leaseUntil" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "claimedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "command_claim_pkey" PRIMARY KEY ("consumer","messageId")
);

-- CreateIndex
CREATE INDEX "connection_tenantId_typeSlug_idx" ON "connection"("tenantId", "typeSlug");

-- CreateIndex
CREATE UNIQUE INDEX "connection_tenantId_name_key" ON "connection"("tenantId", "name");

-- CreateIndex
CREATE INDEX "connection_event_connectionId_occurredAt_idx" ON "connection_event"("connectionId", "occurredAt");

-- CreateIndex
CREATE INDEX "connection_event_occurredAt_idx" ON "connection_event"("occurredAt");

-- CreateIndex
CREATE INDEX "connection_health_connectionId_checkedAt_idx" ON "connection_health"("connectionId", "checkedAt");

-- CreateIndex
CREATE INDEX "connection_health_checkedAt_idx" ON "connection_health"("checkedAt");

-- CreateIndex
CREATE INDEX "oauth_state_expiresAt_idx" ON "oauth_state"("expiresAt");

-- CreateIndex
CREATE INDEX "command_claim_leaseUntil_idx" ON "command_claim"("leaseUntil");

-- AddForeignKey
ALTER TABLE "connection" ADD CONSTRAINT "connection_typeSlug_fkey" FOREIGN KEY ("typeSlug") REFERENCES "integration_type"("slug") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection" ADD CONSTRAINT "connection_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "credential"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_event" ADD CONSTRAINT "connection_event_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_health" ADD CONSTRAINT "connection_health_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oauth_token" ADD CONSTRAINT "oauth_token_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oauth_token" ADD CONSTRAINT "oauth_token_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "credential"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oauth_state" ADD CONSTRAINT "oauth_state_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oauth_state" ADD CONSTRAINT "oauth_state_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "credential"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- One default connection per tenant and type (a partial unique index, which Prisma cannot express, kept by hand).
CREATE UNIQUE INDEX "connection_one_default_per_type" ON "connection"("tenantId", "typeSlug") WHERE "isDefault";
