import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EdgeTokensService } from './edge-tokens.service.js';

@Controller()
export class EdgeTokensController {
  constructor(private readonly tokens: EdgeTokensService) {}

  @Post('api/auth/token')
  @HttpCode(200)
  async token(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.tokens.issue({
      host: request.headers.host,
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body: request.raw,
    });
    void reply.status(answer.status).headers(answer.headers).send(answer.body);
  }
}
