-- AlterTable
ALTER TABLE "Tip" ADD COLUMN     "needsConfirmation" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "routeRule" TEXT,
ADD COLUMN     "unitId" TEXT;

-- AlterTable
ALTER TABLE "AdminUnit" ADD COLUMN     "geometryId" TEXT,
ADD COLUMN     "provinceName" TEXT;

-- CreateTable
CREATE TABLE "AdminDataVersion" (
    "id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "basedOn" TEXT,
    "provinces" TEXT NOT NULL DEFAULT '[]',
    "summary" TEXT NOT NULL DEFAULT '{}',
    "unitCount" INTEGER NOT NULL DEFAULT 0,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminDataVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminGeometry" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "geojson" TEXT NOT NULL,
    "minLon" DOUBLE PRECISION NOT NULL,
    "minLat" DOUBLE PRECISION NOT NULL,
    "maxLon" DOUBLE PRECISION NOT NULL,
    "maxLat" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "AdminGeometry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminUnitAlias" (
    "id" SERIAL NOT NULL,
    "version" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "folded" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "AdminUnitAlias_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoliceUnit" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '',
    "categories" TEXT NOT NULL DEFAULT '',
    "languages" TEXT NOT NULL DEFAULT 'vi',
    "phone" TEXT,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoliceUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TipRouting" (
    "id" TEXT NOT NULL,
    "tipId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "TipRouting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AdminDataVersion_seq_key" ON "AdminDataVersion"("seq");

-- CreateIndex
CREATE INDEX "AdminUnitAlias_version_kind_idx" ON "AdminUnitAlias"("version", "kind");

-- CreateIndex
CREATE INDEX "AdminUnitAlias_version_folded_idx" ON "AdminUnitAlias"("version", "folded");

-- CreateIndex
CREATE INDEX "TipRouting_unitId_active_idx" ON "TipRouting"("unitId", "active");

-- CreateIndex
CREATE INDEX "TipRouting_tipId_idx" ON "TipRouting"("tipId");

-- CreateIndex
CREATE INDEX "Tip_unitId_idx" ON "Tip"("unitId");

-- CreateIndex
CREATE INDEX "AdminUnit_version_provinceCode_idx" ON "AdminUnit"("version", "provinceCode");

-- AddForeignKey
ALTER TABLE "Tip" ADD CONSTRAINT "Tip_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "PoliceUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TipRouting" ADD CONSTRAINT "TipRouting_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TipRouting" ADD CONSTRAINT "TipRouting_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "PoliceUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

