-- AlterTable
ALTER TABLE "api_key" ADD COLUMN     "mcpTools" TEXT[];

-- CreateTable
CREATE TABLE "command_result" (
    "commandId" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "commandType" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "command_result_pkey" PRIMARY KEY ("commandId")
);

-- CreateTable
CREATE TABLE "mcp_tool_call" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tool" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "calledAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mcp_tool_call_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "command_result_receivedAt_idx" ON "command_result"("receivedAt");

-- CreateIndex
CREATE INDEX "mcp_tool_call_tool_calledAt_idx" ON "mcp_tool_call"("tool", "calledAt");

-- CreateIndex
CREATE INDEX "mcp_tool_call_calledAt_idx" ON "mcp_tool_call"("calledAt");
