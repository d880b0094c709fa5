// Pass 7, services: the daemons nodes run and their private directories, from the features that provide them
// (FRR on every router when `routing:` names a protocol; Open vSwitch and controllers on every OpenFlow switch), and the files every node sees (the lab's hosts file). Pure: the services are data; exec/ starts them.

import { frrServices } from '../../features/frr/index.js';
import { routingProtocol } from '../../features/index.js';
import { labFiles } from '../../features/hosts/index.js';
import { openflowServices } from '../../features/openflow/index.js';
import type { ResolvedService } from '../../model/index.js';
import type { WithInterfaces, WithServices } from './draft.js';

export function services(d: WithInterfaces): WithServices {
  const list: ResolvedService[] = [];
  const protocol = routingProtocol(d.raw.routing);
  if (protocol) list.push(...frrServices(d, protocol));
  list.push(...openflowServices(d));
  return { ...d, services: list, files: labFiles(d.lab, d.nodes) };
}
