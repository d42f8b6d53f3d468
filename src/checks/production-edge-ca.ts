import type { IotEdgeConfigFound } from '../snapshot.js';
import { cite } from './checklist.js';
import { judgeIotedgeConfig } from './iotedge-config-file.js';
import type { Check, Finding } from './types.js';

const REMEDIATION =
  'Give IoT Edge a production edge CA from your PKI: cert and pk files in [edge_ca] of /etc/aziot/config.toml, or method = "est" so IoT Edge renews it itself, then run `sudo iotedge config apply` (' + cite('Install production certificates') + ').';

export const productionEdgeCa: Check = {
  id: 'production.edge-ca',
  title: 'Production edge CA certificate',
  settings: ['iotedgeConfigPath'],
  needs: ['iotedgeConfig'],
  twinNumbers: [],
  run: (snapshot) => judgeIotedgeConfig(snapshot, ({ edgeCa }) => [judge(edgeCa)]),
};

function judge(edgeCa: IotEdgeConfigFound['edgeCa']): Finding {
  const details = { ...edgeCa };
  switch (edgeCa.source) {
    case 'quickstart':
      return {
        subject: 'edge CA',
        status: 'warning',
        message: `the quickstart edge CA: self-signed by IoT Edge for development, valid ${edgeCa.quickstartExpiryDays} days, tied to no PKI`,
        details,
        remediation: REMEDIATION,
      };
    case 'files':
      return { subject: 'edge CA', status: 'ok', message: `edge CA from your own files (${edgeCa.certPath})`, details };
    case 'issued':
      return { subject: 'edge CA', status: 'ok', message: `edge CA issued by ${edgeCa.method === 'est' ? 'an EST server' : `method "${edgeCa.method}"`}`, details };
  }
}
