import { describeBffConformance } from '@bff/core/test/conformance';
import { webBff } from '../src/bff';

describeBffConformance(webBff);
