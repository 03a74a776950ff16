import { expectNodeRequests, expectOpenStackDatasource, requestMark } from './support/expected';
import { itReadsTheInstanceWhateverTheTokenRule } from './support/clients-with-tokens';
import { cloudInitDatasource } from './support/node-clients';
import { useNodeLab } from './support/node-lab';

// The same clients with IMDS_TOKEN_REQUIRED=true: those that send an IMDSv2 token read what they read
// with tokens optional; a client that never sends one gets 401 on the EC2 tree (Nova's tree has no
// tokens, so its readers are unaffected).
describe('real node clients against 169.254.169.254, IMDSv2 required', () => {
  const lab = useNodeLab({ IMDS_TOKEN_REQUIRED: 'true' });

  it("cloud-init's DataSourceOpenStack still reads Nova's tree; its EC2 crawl, which sends no token, gets 401", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    const result = await cloudInitDatasource(nodeLab, 'openstack', 'nova');
    expectOpenStackDatasource(result, nodeLab.instance);
    expect(result.ec2_metadata).toEqual({});
    expect(result.warnings).toEqual(['Failed fetching meta-data/ from url http://169.254.169.254/latest/meta-data/']);
    await expectNodeRequests(nodeLab, mark, ['GET /latest/meta-data/ 401']);
  });

  it("cloud-init's DataSourceEc2 on a vendor's server, which never sends a token, gets 401 and finds no datasource", async () => {
    const { nodeLab } = lab;
    const mark = requestMark(nodeLab);
    const result = await cloudInitDatasource(nodeLab, 'ec2', 'bare-metal');
    expect(result).toMatchObject({ found: false, cloud_name: 'unknown' });
    expect(result.warnings).toContainEqual(
      expect.stringMatching(
        /^Calling 'http:\/\/169\.254\.169\.254\/2009-04-04\/meta-data\/instance-id' failed \[\d+\/3s\]: bad status code \[401\]$/,
      ),
    );
    await expectNodeRequests(nodeLab, mark, ['GET /2009-04-04/meta-data/instance-id 401']);
  });

  itReadsTheInstanceWhateverTheTokenRule(lab);
});
