export { s3LocationEnv } from '@stowage/test-s3-server';
