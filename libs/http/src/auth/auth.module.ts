import { Global, Module } from '@nestjs/common';
import { ApiKeys } from './api-keys';

/** API-key authentication: keys hashed in access.api_keys, bootstrap keys from the environment. */
@Global()
@Module({
  providers: [ApiKeys],
  exports: [ApiKeys],
})
export class AuthModule {}
