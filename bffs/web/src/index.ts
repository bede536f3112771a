import { startBffProcess } from '@bff/core';
import { webBff } from './bff';

startBffProcess(webBff);
