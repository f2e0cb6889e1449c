import { parseEarTags } from './ear-tags';

describe('ear tags typed at the arrival check', () => {
  it('splits on lines, commas and spaces, counts repeats once, keeps what is not an ear tag apart', () => {
    expect(parseEarTags('156000000000001\n156000000000002, 156000000000001 ;x1\n\n')).toEqual({
      tags: ['156000000000001', '156000000000002'],
      bad: ['x1'],
    });
    expect(parseEarTags('')).toEqual({ tags: [], bad: [] });
  });
});
