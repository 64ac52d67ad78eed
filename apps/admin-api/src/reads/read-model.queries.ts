import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { RecordedEnvelope } from '@ledger/contracts';
import { PG_POOL } from '@ledger/database';
import type {
  ActiveExportControl,
  Bitemporal,
  EffectiveTariffs,
  ExportControlQuery,
  ListedTariff,
  MeasureView,
  PartyMatch,
  PartyScreenQuery,
  TariffChanges,
  TariffChangesQuery,
  TariffListQuery,
  TariffQuery,
} from '@ledger/views';
import {
  exportControlsActive,
  licences,
  measureHistory,
  measureState,
  screenParties,
  tariffChangesBetween,
  tariffList,
  tariffsEffective,
  type LicencePage,
  type LicencePageQuery,
} from '@ledger/read-models';

/** The read side's questions; each handler asks the read models, nothing else. */
export class GetEffectiveTariffs extends Query<EffectiveTariffs> {
  constructor(readonly query: TariffQuery) {
    super();
  }
}

export class ListTariffs extends Query<ListedTariff[]> {
  constructor(readonly query: TariffListQuery) {
    super();
  }
}

export class GetTariffChanges extends Query<TariffChanges> {
  constructor(readonly query: TariffChangesQuery) {
    super();
  }
}

export class GetActiveExportControls extends Query<ActiveExportControl[]> {
  constructor(readonly query: ExportControlQuery) {
    super();
  }
}

export class ListLicences extends Query<LicencePage> {
  constructor(readonly query: LicencePageQuery) {
    super();
  }
}

export class GetMeasure extends Query<MeasureView | null> {
  constructor(
    readonly id: string,
    readonly time: Bitemporal,
  ) {
    super();
  }
}

export class GetMeasureHistory extends Query<RecordedEnvelope[]> {
  constructor(readonly id: string) {
    super();
  }
}

export class ScreenParties extends Query<PartyMatch[]> {
  constructor(readonly query: PartyScreenQuery) {
    super();
  }
}

@QueryHandler(GetEffectiveTariffs)
export class GetEffectiveTariffsHandler implements IQueryHandler<GetEffectiveTariffs, EffectiveTariffs> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ query }: GetEffectiveTariffs): Promise<EffectiveTariffs> {
    return tariffsEffective(this.pool, query);
  }
}

@QueryHandler(ListTariffs)
export class ListTariffsHandler implements IQueryHandler<ListTariffs, ListedTariff[]> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ query }: ListTariffs): Promise<ListedTariff[]> {
    return tariffList(this.pool, query);
  }
}

@QueryHandler(GetTariffChanges)
export class GetTariffChangesHandler implements IQueryHandler<GetTariffChanges, TariffChanges> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ query }: GetTariffChanges): Promise<TariffChanges> {
    return tariffChangesBetween(this.pool, query);
  }
}

@QueryHandler(GetActiveExportControls)
export class GetActiveExportControlsHandler implements IQueryHandler<
  GetActiveExportControls,
  ActiveExportControl[]
> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ query }: GetActiveExportControls): Promise<ActiveExportControl[]> {
    return exportControlsActive(this.pool, query);
  }
}

@QueryHandler(ListLicences)
export class ListLicencesHandler implements IQueryHandler<ListLicences, LicencePage> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ query }: ListLicences): Promise<LicencePage> {
    return licences(this.pool, query);
  }
}

@QueryHandler(GetMeasure)
export class GetMeasureHandler implements IQueryHandler<GetMeasure, MeasureView | null> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ id, time }: GetMeasure): Promise<MeasureView | null> {
    return measureState(this.pool, id, time);
  }
}

@QueryHandler(GetMeasureHistory)
export class GetMeasureHistoryHandler implements IQueryHandler<GetMeasureHistory, RecordedEnvelope[]> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ id }: GetMeasureHistory): Promise<RecordedEnvelope[]> {
    return measureHistory(this.pool, id);
  }
}

@QueryHandler(ScreenParties)
export class ScreenPartiesHandler implements IQueryHandler<ScreenParties, PartyMatch[]> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ query }: ScreenParties): Promise<PartyMatch[]> {
    return screenParties(this.pool, query);
  }
}

export const READ_MODEL_QUERY_HANDLERS = [
  GetEffectiveTariffsHandler,
  ListTariffsHandler,
  GetTariffChangesHandler,
  GetActiveExportControlsHandler,
  ListLicencesHandler,
  GetMeasureHandler,
  GetMeasureHistoryHandler,
  ScreenPartiesHandler,
];
