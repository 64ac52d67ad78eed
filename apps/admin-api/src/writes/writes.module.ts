import { Module, type OnModuleInit } from '@nestjs/common';
import { compileEventValidators } from '@ledger/contracts';
import { JournalModule } from '@ledger/journal';
import { AgreementsController } from './agreements.controller';
import { BatchesController } from './batches.controller';
import { ExportControlsController } from './export-controls.controller';
import { LicencesController } from './licences.controller';
import { PartyListsController } from './party-lists.controller';
import { PolicyWrites } from './policy-writes';
import { RecordPolicyBatchHandler } from './record-policy-batch.handler';
import { RecordPolicyEventHandler } from './record-policy-event.handler';
import { StreamsController } from './streams.controller';
import { TariffMeasuresController } from './tariff-measures.controller';

@Module({
  imports: [JournalModule],
  controllers: [
    TariffMeasuresController,
    ExportControlsController,
    LicencesController,
    AgreementsController,
    PartyListsController,
    StreamsController,
    BatchesController,
  ],
  providers: [PolicyWrites, RecordPolicyEventHandler, RecordPolicyBatchHandler],
})
export class WritesModule implements OnModuleInit {
  /** Every append checks its events against the schemas: compiled before the first request, not during it. */
  onModuleInit(): void {
    compileEventValidators();
  }
}
