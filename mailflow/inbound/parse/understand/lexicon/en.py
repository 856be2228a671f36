"""English phrases (see ``phrases.py`` for the syntax; contractions are spelled out:
"won't" is read as "will not", "we'll" as "we will")."""

from mailflow.inbound.parse.understand.lexicon import build

_OBJ = (
    "it|this|that|them|him|her|one|lead|job|project|enquiry|inquiry|request|opportunity"
    "|customer|offer"
)

LEXICON = build(
    "en",
    stopwords="""the a an and of to is are we i you it this that for with have has on at be
        will would our they them he she was were not no yes please thanks thank can just
        from there what if but so do did been got had your my me us off out about by sent""",
    phrases={
        "pick": f"""
            confirm|confirming our interest
            like|want|take|have this lead
            will be looking after|handling ~2 it|this|that|them|one|job|customer|lead|the =0.85
            release|pass|send|forward ~3 details|contact|number ~3 to him|her directly =0.85
            send|give me|us ~1 the? ~1 customer|customers|client|clients ~1 number|details|contact|
                phone =0.85
            snap|snapping|snapped ~2 up
            pass|send|hand ~1 it|this|them over @end =0.85
            assign|allocate|give|pass ~2 this|it|lead|one|that|job ~1 to us|me|our|my
            we will|ll grab ~2 it|this|that|one
            grab ~2 it|this|that|one @solo
            ok|okay|yes|yep for us @whole
            yep|yes|yeah ours|mine
            it is|s ours|mine @solo
            our patch|area|territory @solo =0.85
            take|taking ~2 {_OBJ}
            take on|over
            we will|would|shall|can|could|ll|d take
            i will|would|can take
            accept|accepting ~2 {_OBJ}
            we will|would accept
            offer|lead|job accepted
            pick ~1 {_OBJ}
            picked ~1 {_OBJ}
            handle|manage|do ~2 {_OBJ} =0.8
            we will|can handle|manage =0.8
            count us|me in
            sign us|me up
            we are|am in @solo
            we are|am on it
            on it @solo
            leave it with us
            consider it done
            send it our way
            we are|am interested =0.85
            interested @solo =0.8
            we would|d love|like to have|do ~2 {_OBJ}
            we want ~1 {_OBJ}
            happy|glad|pleased|delighted to take|accept|handle|help|pick|do|look
            with pleasure
            go ahead =0.8
            pick @solo
            take @solo
            accept @solo
            accepted @solo
            yes @solo
            yes please
            yes we|i
            yep|yeah|yup|sure|absolutely|definitely|gladly|certainly @solo
            of course @solo
            sounds good|great @solo =0.8
            why not @solo =0.8
            we will|would|d|ll have it|that|this|them|one
            put us|me down for
            pencil|book|sign us|me in
            taking|take|took on
            take care ~2 it|this|that|them
            we will|can|ll look after ~2 it|this|that|them|one|job|customer
            leave it to us
            we are|am up for it
            up for it @solo
            we are|am keen =0.85
            keen ~2 take|have|do|on =0.85
            go for it =0.85
            right up our street|alley =0.85
            we can|could|will|ll fit ~2 it|this|that|them|one|in
            sure thing
            will do @solo
            happy|glad to @solo
            more than happy
            we are|am happy|glad to ~2 take|accept|handle|help|pick|do|look|go
            send ~2 it|them|details|this|that ~1 over|through|across =0.85
            jump on ~1 it|this|that
            mine|ours @solo
            put|stick|pop|mark|chalk|pencil us|me down
            grab|grabbing ~2 it|this|that|them|one|lead|job
            we will|ll|can|would|d grab
            we are|am in for|on
            in|up our wheelhouse|alley|street =0.85
            dibs|bagsy|bagsie @solo
            dibs ~2 it|this|that|one|job|lead
        """,
        "decline": f"""
            we ~1 decided not to pursue this|the opportunity|lead|enquiry|job
            decided not to pursue this|the opportunity|lead|enquiry
            give|pass it|this to a|another colleague|partner|dealer
            give|pass this one to a|another colleague|partner|dealer
            better suited to another partner|dealer
            hand|give|send it|this|the back
            hand|give|send this|the lead back
            return|returning this|the lead
            do not send ~1 us|me ~3 this|it|that|these|such|any @neg
            not us @end =0.85
            so ~1 sadly|unfortunately? no|pass @end
            let ~2 this|it|that|one ~1 go|pass
            declin*
            someone|somebody|another|others|other ~4 better placed|suited|closer =0.85
            we|i must|will|have|would|shall|need ~2 pass
            we|i pass|passing
            pass ~1 on ~1 {_OBJ}|this|that
            pass @solo
            give ~1 {_OBJ} a miss|pass
            not interested
            no interest
            not for us
            not our cup of tea
            no thanks|thank
            no @solo
            nope @solo
            not @solo =0.9
            not this time
            no can do
            count us|me out
            we are|am out @solo
            say no
            reject|refuse ~2 {_OBJ}
            give|offer|pass|send|hand ~3 to another|someone|somebody|other|next
            someone|somebody else ~3 take|have
            no for us
            can|could|will|would not ~1 help|assist|cover|service|fit|accommodate|squeeze|support
            cannot help|assist|cover|service|fit|accommodate|squeeze|support
            unable to ~1 help|assist|cover|service|fit
            not in a position to
            not able to ~1 help|assist|cover|service|fit
            sit ~2 out
            turn|turning ~2 down
            please reassign|reallocate|redirect
            forward ~3 to another|someone|somebody|other|next|colleague|elsewhere
            reassign|reallocate ~2 it|this|that|them|lead|job|one
            not for now
            not for us
            we are|am not taking|accepting
            can|could|will|would not ~3 take|handle|manage|fit ~2 it|this|that|one|on
            leave|leaving|skip|skipping this|that one
            can|could|will not get to|round ~1 it|this|that|one
        """,
        "reason": """
            exclusive distributor|dealer|partner for|of
            not a market|segment|sector we serve|cover|do
            we only sell|work|deal|supply to
            getting|moving out of
            conflict of interest
            be a conflict
            beyond ~3 capacity|capabilities|resources|means|scope|size
            beyond what ~3 team|we|us
            we are not ~2 certified|accredited|authorised|authorized|approved|resellers|reseller|
                dealers|dealer|distributors|distributor|partners|partner|qualified|licensed|
                registered
            too far
            far away|off|out
            distance ~2 too
            outside ~3 area|region|territory|radius|zone|range|reach|patch|coverage|scope|expertise
            out of ~2 area|territory|range|region|patch|reach|scope|depth
            not ~1 our area|region|territory|trade|field|business|line|thing|speciality|specialty|
                market|scope|expertise|kind|type
            not in our area|region|territory|patch
            do not do|install|offer|sell|service|cover|handle|fit|work|touch|quote|repair
            does not fit
            no capacity|capacities|staff|people|resources|availability|room|slots|installers|crew|
                manpower
            no free|available slots|capacity|installers|crews|teams
            not enough capacity|staff|people|time|installers|manpower
            fully|completely|totally booked
            booked up|out|solid
            overbooked|understaffed
            short staffed
            at|over|beyond capacity
            snowed under
            swamped
            too busy
            too much work
            full until
            we only do|install|work
            too small|big|large|complex
            not worth
            no longer do|offer|install
            stopped doing|offering|installing
            not something we do|offer
            out of ~2 way|radius|zone|coverage|league|remit
            off ~1 our patch|beat|map|radar
            not ~1 our|my neck of the woods
            not ~1 our|my patch|remit|beat|area|side
            not ~1 taking|accepting ~2 new|more|any ~1 work|jobs|customers|projects|orders|
                enquiries|leads
            flat out
            maxed out
            stretched|overstretched|overloaded|overwhelmed|slammed|rammed|chocker|chock
            at full stretch
            lack ~1 capacity|staff|resources|manpower|time|people|installers
            not have|got ~2 capacity|staff|manpower|installers|time|people|resources|availability|
                crew|slots
            diary|calendar|schedule|books|book ~3 full|rammed|packed|chocka|solid|booked
            no room|space|gaps ~2 diary|calendar|schedule|books
            not worth our|the|it
            nobody ~1 available|free|spare
            no one ~1 available|free|spare
            we only cover|serve|operate
            work|operate|install|cover ~1 only|solely|exclusively
            domestic|residential|commercial|industrial|private|retrofit|build only
            only ~1 domestic|residential|commercial|industrial|retrofit
            only new build|builds
            two|three|four|five|six|# hour|hours|hr|hrs ~1 drive|journey|trip|away|each
            hours ~1 drive|journey|trip|away|each
            over|nearly ~1 # miles|km|kilometres|kilometers|hours
            more than ~1 # miles|km|kilometres|kilometers|hours
            long way|drive|trek ~1 from|for|out
            not make sense
            on holiday|holidays|vacation|leave|paternity|maternity =0.6
        """,
        "contacted": """
            rang|phoned|called mrs|mr|ms|miss|dr|mister|madam
            telephoned|phoned
            first contact ~1 made|done|established
            contacted
            called|phoned|rang ~2 him|her|them|customer|client|the|back|today|yesterday|this|already
            called @solo
            reached ~2 him|her|them|customer|client|the|out
            spoke|spoken|talked|chatted ~1 to|with
            emailed|texted|messaged|mailed
            wrote to
            got|been|are|am|were|is in touch|contact
            got hold of
            got through to
            had ~1 call|chat|conversation
            first|initial contact
            contact made|established
            in contact with
            had ~2 call|chat|conversation|natter|word|talk
            caught up with
            touched|touch base
            made contact
            been|was|were on the phone|line
            on the phone ~1 with|to
            phone call ~1 with|to
            dropped ~2 line|email|message|note|text
            gave ~2 them|him|her|customer|client ~1 a? ring|call|bell|buzz
            heard from|back
            called|rang|phoned|emailed|contacted|messaged|texted|rung ~1 us|me|back
            got|managed|able ~2 reach|speak|talk|contact|through|hold
            sent ~2 email|message|text|whatsapp|mail
            whatsapped|whatsapp d
            spoken ~2 homeowner|customer|client|owner|owners
        """,
        "attempt": """
            sent|dropped ~3 email|mail|text|message|whatsapp|sms
            left ~2 message|voicemail|voice|note|messages
            tried ~2 call|calling|reach|reaching|phone|ring|contact
            no answer|reply so far =0.75
            went|goes|going straight? to voicemail|answerphone
            not answering|picking up|returning =0.75
            no response|joy ~2 so far|yet|calls =0.75
        """,
        "meeting": """
            conducted|held|gave|did|carried out ~3 demonstration|demo|presentation|site survey
            had|did|held a|the teams|zoom|webex|video call|meeting|session
            teams|zoom|webex|video call|meeting|session
            video conference|call
            meeting|visit|demo|survey|presentation ~8 took place|happened
            came|come|popped|dropped ~2 into|in|by|to ~2 showroom|shop|store|office|premises|
                workshop|yard
            went|popped|nipped ~2 to see|look|round|over
            meeting|meetings
            meet|met ~2 them|him|her|customer|client|on|next|at|up|tomorrow|the
            appointment|appointments
            site visit|survey|inspection|walkthrough
            survey|inspection|walkthrough|visit =0.85
            visit|visited|visiting ~2 them|him|her|customer|client|site|on|next|the|tomorrow
            home visit
            viewing|consultation|demo
            on site ~1 on|tomorrow|next|monday|tuesday|wednesday|thursday|friday|saturday
            booked|scheduled|arranged|fixed|set ~3 visit|meeting|appointment|survey|date
            see them|him|her ~1 on|next|tomorrow|monday|tuesday|wednesday|thursday|friday
            round|over|out ~1 to see
            pop|popped|popping|nip|nipped|nipping|swing|swung|drop|dropped round|over|out|by
            had ~1 look ~2 at|round
            measured|measure up
            measured ~2 roof|house|property|site|room|up
            came|come|been|went|gone out|round|over ~2 to|on|at|yesterday|today|and
            sat down with
            walk|walked|walkround|walkthrough ~2 site|property|round|house
        """,
        "proposal": """
            quote|quotation|proposal|estimate ~6 went over|across|out
            quote|quotation|proposal ~4 is with the customer|client
            shared|sent ~3 proposal|quote|quotation|offer|estimate ~2 with
            quote|quotation|proposal|estimate|offer ~14 issued|sent|submitted|forwarded|transmitted|
                delivered =0.85
            quote|quotation|proposal|estimate|offer|bid|tender|pricing|costing|price ~2 sent|out|
                submitted|delivered|issued|emailed|mailed|done|went|gone|ready|prepared|given
            sent|submitted|issued|emailed|mailed|made|prepared|gave|given|put|delivered ~3 quote|
                quotation|proposal|estimate|offer|bid|price|pricing|costing|tender
            quoted
            quote|quotation|proposal|estimate @solo
            priced ~2 at|up
            costed|priced ~1 up|out
            put ~2 price|quote|figure|number|costing|proposal ~1 together
            sent|gave|given|emailed ~3 numbers|figures|prices|costs|breakdown|costings|price|figure
            quote|quotation|proposal|estimate|offer|pricing|price ~1 is|s ~1 with
            submitted|presented|issued ~6 quote|quotation|proposal|estimate =0.85
        """,
        "won": """
            issued|released|raised|sent ~2 po|purchase ~1 order =0.9
            po|purchase order ~3 issued|released|raised|received =0.9
            invoice|deposit ~6 paid|settled =0.85
            placed|signed ~3 order|po|contract|purchase =0.9
            closed at|for # k|grand|€|eur|euros|pounds|dollars
            closed at|for £|€|$|usd|eur|gbp
            awarded|given ~1 us ~3 contract|order|job|project|work =0.9
            won
            closed won
            we got|landed|secured|clinched|bagged ~2 job|contract|order|deal|project|it|sale|work
            we have the|this|that|our? job|contract|order|deal|project|sale|work
            signed
            contract|order|deal|job ~2 signed|received|placed|confirmed|closed|done|secured|awarded|
                ours
            order ~1 in
            received|got ~2 order|contract|po
            got|received|have ~2 go ahead
            they|customer|client accepted|agreed|ordered|confirmed|booked|commissioned|placed
            bought|purchased ~2 from us
            accepted ~1 our|the quote|offer|proposal|estimate|price
            go ahead ~2 from
            closed ~2 deal|sale
            sold
            it is|s ours
            in the bag
            deposit|downpayment ~2 paid|received|in
            down payment ~2 paid|received|in
            deal @solo
            deal done|closed
            done deal
            got|have|given ~2 nod|greenlight|go
            thumbs up =0.85
            green light|greenlit =0.85
            said yes ~2 quote|quotation|offer|proposal|estimate|price|it
            gone|went|going ahead =0.85
            went|gone|opted|chose|picked|choose ~1 for|with ~1 us|our
            chose|picked|selected|hired|appointed|awarded ~1 us
            we are|re on the job
            landed|secured|clinched|bagged ~2 it|job|contract|order|deal|project|sale|work
            closed ~1 it|this|one|them|that
            po|order|contract|deposit|payment ~2 came|come|coming through|in
            customer|client|clients|homeowner|owner|owners|they|he|she ~2 said|says yes @end
        """,
        "lost": """
            went with a|another|local ~1 supplier|dealer|installer|company|firm|competitor =0.9
            dead in the water
            taken over and ~4 frozen =0.85
            frozen all spending|budgets =0.85
            no budget @neg =0.85
            bought|purchased|went for|chose ~3 used|second|refurbished
            gone dark|silent|quiet on us =0.85
            shelve|shelved|shelving ~3 project|job|plans|it|whole|idea|work =0.85
            put|putting ~3 on hold indefinitely
            bought|ordered|purchased ~6 from|through ~3 store|shop|brother|cousin|neighbour|
                neighbor|friend|relative|handyman|mate|uncle|son|nephew|diy|someone|somebody
            had ~3 done|fitted|installed ~2 by
            brother|cousin|neighbour|neighbor|friend|relative|handyman|mate|uncle|nephew ~4 did|
                fitted|installed|done|sorted|put
            went|gone|go|opted|chose|picked ~4 cheaper|cheapest
            lost
            closed lost
            fell through
            went|gone|go with|for ~3 competitor|competition|someone|somebody|another|other|cheaper|
                different|else
            chose|choose|picked|opted|decided|went ~3 competitor|competition|someone|somebody|
                another|other|cheaper|different|elsewhere|else
            bought|ordered|purchased ~3 elsewhere|somewhere|another|competitor|else
            cancel*
            called off
            not going ahead @neg
            decided against|not
            backed|pulled out
            rejected|refused|declined ~3 quote|quotation|offer|proposal|estimate|price|bid|it
            turned ~2 down
            turned us down
            said no
            no longer interested|needs|wants|requires|going @neg
            lost interest
            changed ~1 mind
            closing|closed|close ~1 this|it|that|the|one? ~1 off|out|down on|at our side|end =0.85
            closed|closing|close ~1 the|our file|case|lead =0.85
            written|write|writing ~1 it|this|one? off
            given|giving|give up on ~2 this|it|that|one|customer|client|lead|job =0.85
            no deal
            dead @solo
            too expensive =0.8
            went|gone|go|chose|choose|picked|opted|decided ~3 cheapest|cheap|lowest|lower|budget
            hired|used|appointed|engaged|selected|awarded|signed|took|accepted ~3 another|other|
                different|rival ~1 installer|installers|company|firm|supplier|contractor|provider|
                business|fitter|team|outfit|quote|offer|bid|crowd|engineer
            hired|used|appointed|engaged|selected|awarded|signed ~3 competitor|competition|someone|
                somebody
            someone|somebody else ~2 got|won|took|has|did|landed|is|s
            not go|going|gone ahead|proceed|proceeding|forward @neg
            not proceeding|progressing|pursuing @neg
            pulled ~1 plug
            dropped|walked ~1 out|away
            gone|went|going cold
            lost out
            over|above|beyond ~1 their|his|her|the budget =0.8
            out of ~1 their|his|her|the budget|price =0.8
            too pricey|dear|costly =0.8
            project|deal|job|it ~2 dead|off
            quote|quotation|offer|proposal|estimate|price|bid ~2 declined|rejected|refused|turned
            not get|got|win|won|land|landed|secure|secured|bag|bagged it @neg
            not get|got|win|won|land|landed|secure|secured|bag|bagged this|that one @neg
            not get|got|win|won|land|landed|secure|secured|bag|bagged the|this|that|our? job|
                contract|order|deal|
                work|project|tender @neg
            went|gone|go with =0.6
            not successful|selected|chosen|picked|awarded|accepted|shortlisted @neg
            missed out ~2 it|this|that|one|job|contract|order
        """,
        "rival": """
            another|other|different|rival ~1 installer|installers|company|companies|firm|firms|
                supplier|
            contractor|contractors|provider|business|fitter|fitters|plumber|electrician|team|outfit|
                quote|
            offer|bid|crowd|partner|engineer|merchant
            competitor|competitors|competition|elsewhere
            someone|somebody else
        """,
        "void": """
            call|meeting|visit|demo|survey|appointment|presentation ~4 went ahead
            taking|take|takes|took it to her|his|their|the
            had an offer accepted on
            meeting room|rooms
            phone number
            stay|keep|keeping in touch
            partner meeting|day
            email|mail with our|the ~1 presentation|brochure|catalogue|catalog|deck
            as far as i know|heard|can tell
            almost|nearly an|a|two|three hour|hours|week|weeks|month|months|year|years
            as good as won|signed|done|closed
            nearly|almost signed|won|closed
            we will see if
            see if
            i|we pass|passes the|that|their place|site|door|shop
            pass|passes by
            meeting|appointment with|at the|his|her bank
            bank appointment|meeting
            lead|offer ~1 accepted|taken|picked ~2 #
            pick|picking ~2 it|this|that|things up with
            would|d be ~4 for us to ~1 take|handle|do|accept|pick ~2 it|this|that|on|one
            link|links|button|buttons ~3 accept|pick|take|claim|decline|reject
            presentation|demo|deck|brochure ~3 sent|emailed|mailed|forwarded
            presentation|intro|introduction|introductory|demo|welcome|consultation ~1 email|mail|e|
                message|letter|pack|brochure|pdf|deck|video|leaflet
            email|mail|e|message|letter ~3 introduction|presentation|intro
            once again|more
            at once
            please|kindly be ~1 advised|informed|aware
            please|kindly note|find
            expecting|expects us|me|our|a|an|the|someone
            look|looked|looking ~4 details|documents|docs|drawings|plans|photos|pictures|files|
                paperwork|street|specs|specification|brief|file|enquiry|notes|info
            looked at|through|over|into
            in a|the meeting|meetings
            back to back
            in meetings|meeting
            lost ~2 number|contact|details|email|track|signal|connection|address|phone|file
            lost in the post|mail
            sold out
            cancel*|postpon*|reschedul*|moved ~3 appointment|meeting|visit|survey|call|viewing
            appointment|meeting|visit|survey|viewing ~2 cancel*|postponed|rescheduled|moved
            meeting|meet ~1 the|their|your ~1 deadline|requirements|standards|needs|expectations|
                budget
            nice|good|pleasure to meet
            signing off
            is|s|was|seems|seemed|sounds|sounded|looks|looked|appears|
                appeared not? very|really|quite|super|genuinely|definitely|most? interested
            selling|sold|sell|sells ~3 house|property|home|flat|building|land|plot|premises|
                warehouse|business|company|shop|unit|site
            house|property|home|flat|building|premises|warehouse|business|company|shop ~3 sold|
                selling
                to|in|across
        """,
        "purpose": """
            availability|availabilities|dates|slots|times|options|suggestions ~1 for
            to make|get|have|request|organise|organize|plan
            will|shall|ll|going|gonna ~1 arrange|book|schedule|organise|organize|sort|set|fix|line
            to arrange|fix|book|set|schedule|organise|organize|agree|find|sort|line
            about ~1 a|an|the? ~1 date|time
            regarding|re
            want|wants|wanted|like|keen|interested|hoping|hope|asked|asks|asking|requested|requests
        """,
        "customer": """
            customer|customers|client|clients|he|she|they|homeowner|owner|owners|buyer|prospect|
                family|couple|mr|mrs|ms
        """,
        "negator": """
            not
            no
            never
            cannot
            unable
            neither
            nor
            nobody
            nothing|none
            hardly
            without
            failed
            no longer
            yet to
            impossible
        """,
        "mask": """
            without fail
            without vat|tax|gst
            no problem|problems|worries|doubt|matter|issue
            not a problem|issue
            not only
            why not
            no later than
            not sure but
        """,
        "conditional": """
            if
            unless
            should they|he|she|the|it|we|you|this
            in case
            provided
            as long as
            assuming
            depending on
            in the event
            otherwise
        """,
        "question": """
            can|could|would|will|do|does|did|is|are|have|has|shall|should ~1 you|we|i|it|there|they|
                he|she
            what|where|who|whom|which|why|how
            any chance|idea|news
            please confirm
        """,
        "hedge": """
            maybe|perhaps|probably|possibly|likely|hopefully
            might
            could be
            not sure
            i think|guess|believe|hope
            looks like
            seems
            expect|expected|expecting
            fingers crossed
            should be
            almost|nearly
            tentative*
        """,
        "future": """
            we|i can|could
            will
            shall
            going to
            gonna
            plan*
            tomorrow
            next week|month|monday|tuesday|wednesday|thursday|friday|saturday|time|year|days
            later
            soon
            shortly
            follow|follows
            following week|day|month|year|monday|tuesday|wednesday|thursday|friday
            to be sent|signed|done
            about to
            intend*
            want to
            need|needs|have|has|must to
            still to
            pending
            waiting|wait for|on
            asap
            expect*
        """,
        "past": """
            yesterday
            already
            last week|month|friday|monday|tuesday|wednesday|thursday|night
            this morning
            earlier
            just
            today
            ago
        """,
        "agenda": """
            next step|steps|stage
            to do|todo
        """,
        "pending": """
            to follow|come
            need|needs|have|has|got to ~1 book|arrange|schedule|organise|organize|fix|set|sort|make
            let us|me know
            get back to us|me ~1 about|regarding|re|with
            to be booked|arranged|scheduled|organised|organized|confirmed|agreed|fixed|set|planned|
                made|done|carried|sorted|rebooked
            still|yet to ~1 book|arrange|schedule|organise|organize|fix|set|plan|agree|confirm|make|
                do|sort|be|come|happen|take
            need|needs|needed ~1 booking|arranging|scheduling|organising|organizing|setting|sorting
            tbc|tba|tbd
            pending|outstanding
            later|sometime|afterwards|eventually
            at a later date|stage
            in due course
            at some point
            when he|she|they|the|it ~2 ready|back|free|available|decided|know|knows
            being ~1 prepared|drafted|finalised|finalized|priced|calculated|costed|written|worked
            in progress|preparation
            working|work on ~2 quote|quotation|proposal|offer|pricing|figures|numbers|estimate
            still|currently ~1 pricing|costing|preparing|drafting|calculating|finalising|finalizing
        """,
        "waiting": """
            waiting|wait ~1 for|on
            awaiting|expecting
        """,
        "regret": """
            unfortunately|sadly|sorry|regret*|afraid|alas
        """,
        "closing": """
            regards|best|cheers|thanks|thank|sincerely|br|bye|kind|warm|many|talk|speak|have|all|
                yours
            until|till next time
            talk|speak soon
        """,
        "affirm": """
            yes|yep|yeah|yup|sure|absolutely|definitely|certainly
            of course
        """,
        "request": """
            would|could
            please|kindly|pls|plz
            should|must|ought
            need|needs|have|has to
            make sure
            do not forget
        """,
        "away": """
            out of ~1 office
            automatic|auto reply
            autoreply|autoresponder
            away from ~2 office|desk
            on annual leave
            limited access to ~1 email|e|mail|emails
            back in ~1 office
            for urgent matters|enquiries|queries
            i am|will be away|out|off until
            on|upon|after my return
            when i return
            when i get back
        """,
        "consequence": """
            so|therefore|hence|thus
            which is why
            that is why
        """,
        "mixup": """
            which lead|enquiry|one do you mean
            do you mean the one
            same customer|client|lead|company|job as
            you probably|presumably mean
            wrong lead|customer|contact|one|email
            not our lead|customer
            sent ~1 to the wrong
            mix|mixed up
            mixup
        """,
        "temporal": """
            on condition that
            provided that
            whether
            before we|i|they|taking|accepting|committing|booking|arranging|scheduling|setting
            once
            as soon as
        """,
        "weekday": """
            monday|tuesday|wednesday|thursday|friday|saturday|sunday
        """,
        "someday": """
            the next one|lead|job
            next one
            in future
            in the future
            next time
            future ~1 enquiries|leads|jobs|projects|requests
        """,
        "yet": """
            yet|still
            done|sorted|finished|fixed|booked|ready|through
        """,
        "unrelated": """
            apart from the lead|leads
            unrelated to the lead|leads
            nothing on the lead yet
            more on the rest later
            the rest later
            on the lead itself nothing yet
        """,
        "several": """
            but ~3 news on|about the|another
            better news on|about the other
            the|your other lead|leads|one|enquiry|inquiry|customer|job|project
            two|both leads|enquiries|inquiries|customers|jobs|projects
            two updates in one go
            both of your leads|enquiries
            the previous lead|enquiry
        """,
        "this": """
            regarding|re this one|lead
            as for this one|lead
            as to this one|lead
            this one you asked about|sent
            the one you asked about
            the one in this email|mail
        """,
        "aside": """
            last time
            the last time
            about|regarding|re the|your other question|thing|point|matter
            as for|to the|your other question|thing|point|matter
            on your other question|point
        """,
        "lead": """
            this lead
            this enquiry|inquiry
        """,
        "ours": """
            our|my quote|quotation|offer|price|proposal|bid|estimate|tender
            we|i had? quoted|offered|bid|priced
            we were at
        """,
        "earlier": """
            from
            instead of
            rather than
            originally|initially|previously|formerly|original|initial
            first|previous|old|earlier|list|asking|full ~1 quote|quotation|offer|price|estimate|
                proposal
            deposit|downpayment|discount|rebate|grant|subsidy|vat
            down payment
            quote|quotation|offer|estimate|proposal ~1 was|were
        """,
        "final": """
            to|at
            final|total|totalling|totaling|overall
        """,
        "greeting": """
            hi|hello|hey|dear|morning
        """,
        "opener": """
            hi|hello|hey|dear|morning|afternoon|evening|ok|okay|thanks|great|perfect|alright|well|
                so|oh|ah|hmm|sorry|unfortunately|sadly|right
            good morning|afternoon|evening|day
            thank you
            many thanks
            thanks a lot
        """,
    },
)
