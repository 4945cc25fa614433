import { Module } from '@nestjs/common';
import { RouteEventsPublisher } from './route-events.js';
import { RouteResolver } from './route-resolver.js';
import { RoutesRepository } from './routes.repository.js';

@Module({ providers: [RoutesRepository, RouteEventsPublisher], exports: [RoutesRepository, RouteEventsPublisher] })
export class RoutingModule {}

@Module({ providers: [RoutesRepository, RouteResolver], exports: [RouteResolver] })
export class RouteResolverModule {}
