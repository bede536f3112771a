import { startBffProcess } from '@bff/core';
import { mobileBff } from './bff';

startBffProcess(mobileBff);
