import { Global, Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeys } from './api-keys';

/** API-key authentication: keys hashed in access.api_keys, bootstrap keys from the environment. */
@Global()
@Module({
  providers: [ApiKeys, ApiKeyGuard],
  exports: [ApiKeys, ApiKeyGuard],
})
export class AuthModule {}
