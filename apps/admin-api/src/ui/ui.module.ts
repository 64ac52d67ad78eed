import { Module } from '@nestjs/common';
import { ListStreamsHandler, UiController } from './ui.controller';

@Module({
  controllers: [UiController],
  providers: [ListStreamsHandler],
})
export class UiModule {}
