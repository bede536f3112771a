import { AppRegistry } from 'react-native';
import { App } from './App';

// As on a device (index.js): the app registers its root component. Starting it in a DOM
// element is the web's part; iOS and Android start it themselves.
AppRegistry.registerComponent('MobileApp', () => App);
AppRegistry.runApplication('MobileApp', { rootTag: document.getElementById('root') });
