import { describeBffConformance } from '@bff/core/test/conformance';
import { mobileBff } from '../src/bff';

describeBffConformance(mobileBff);
