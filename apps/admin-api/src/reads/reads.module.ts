import { Module } from '@nestjs/common';
import { JournalModule } from '@ledger/journal';
import { ConsistencyGate } from './consistency-gate';
import { JournalTail } from './journal-tail';
import { READ_MODEL_QUERY_HANDLERS } from './read-model.queries';
import { ReadsController } from './reads.controller';
import { StreamAdmission } from './stream-admission';

@Module({
  imports: [JournalModule],
  controllers: [ReadsController],
  providers: [...READ_MODEL_QUERY_HANDLERS, ConsistencyGate, JournalTail, StreamAdmission],
})
export class ReadsModule {}
