/** The public verify page's entry (/verify): no account, none of the portal's other pages. */
import { render } from 'preact';
import { VerifyApp } from './page';

const root = document.getElementById('app');
if (root) render(<VerifyApp />, root);
